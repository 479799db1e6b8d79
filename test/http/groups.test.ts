import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, GROUP_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

type Member = { value: string; display?: string; type?: string; $ref?: string };

for (const backend of BACKENDS) {
  describe(`Groups (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    const users: { id: string; userName: string }[] = [];
    let counter = 0;

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      for (let i = 0; i < 6; i++) {
        const response = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `member${i}@example.com`, displayName: `Member ${i}` });
        assertStatus(response, 201);
        users.push(response.body);
      }
    });
    after(() => server.close());

    const createGroup = async (members: string[] = [], displayName = `Group ${++counter}`) => {
      const response = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
      assertStatus(response, 201);
      return response.body as { id: string; displayName: string; members: Member[]; meta: { version: string } };
    };
    const memberIds = async (groupId: string) => {
      const response = await dir.request('GET', `/Groups/${groupId}`);
      assertStatus(response, 200);
      return ((response.body.members ?? []) as Member[]).map((m) => m.value).sort();
    };
    const ids = (...indexes: number[]) => indexes.map((i) => users[i].id).sort();
    const patchGroup = async (groupId: string, ...operations: object[]) => {
      const response = await dir.request('PATCH', `/Groups/${groupId}`, patchOp(...operations));
      assert.equal(response.status, 204, response.text);
      return response;
    };

    it('POST creates a group without members: 201 with id, empty members and meta', async () => {
      const response = await dir.request('POST', '/Groups', {
        schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '7f4b0a66-entra-object-id',
        displayName: 'Empty Group',
        meta: { resourceType: 'Group' },
      });
      assertStatus(response, 201);
      const group = response.body;
      assert.equal(typeof group.id, 'string');
      assert.deepEqual(group.schemas, [GROUP_SCHEMA]);
      assert.equal(group.displayName, 'Empty Group');
      assert.equal(group.externalId, '7f4b0a66-entra-object-id');
      assert.deepEqual(group.members, []);
      assert.equal(group.meta.resourceType, 'Group');
      assert.equal(group.meta.location, `${server.baseUrl}/Groups/${group.id}`);
      assert.equal(response.headers.get('location'), group.meta.location);
      assert.equal(response.headers.get('etag'), group.meta.version);
    });

    it('POST creates a group with members, each returned with value, display, type and $ref', async () => {
      const group = await createGroup([users[0].id, users[1].id]);
      assert.deepEqual(group.members.map((m) => m.value).sort(), ids(0, 1));
      const first = group.members.find((m) => m.value === users[0].id)!;
      assert.equal(first.display, 'Member 0');
      assert.equal(first.type, 'User');
      assert.equal(first.$ref, `${server.baseUrl}/Users/${users[0].id}`);
      assert.deepEqual(await memberIds(group.id), ids(0, 1));
    });

    it('accepts a group as a member of another group', async () => {
      const inner = await createGroup([users[0].id]);
      const outer = await createGroup([inner.id, users[1].id]);
      const nested = outer.members.find((m) => m.value === inner.id)!;
      assert.equal(nested.type, 'Group');
      assert.equal(nested.$ref, `${server.baseUrl}/Groups/${inner.id}`);
    });

    it('refuses members that do not exist with 400 naming the id, and creates nothing', async () => {
      const missing = 'a6e4c7a2-0000-4000-8000-000000000000';
      const response = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ghost Members', members: [{ value: users[0].id }, { value: missing }] });
      assertScimError(response, 400, 'invalidValue');
      assert.ok(response.body.detail.includes(missing), response.body.detail);
      const found = await dir.request('GET', `/Groups?filter=${q('displayName eq "Ghost Members"')}`);
      assert.equal(found.body.totalResults, 0);
      const group = await createGroup([users[2].id]);
      const patched = await dir.request('PATCH', `/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: users[3].id }, { value: missing }] }));
      assertScimError(patched, 400, 'invalidValue');
      assert.ok(patched.body.detail.includes(missing), patched.body.detail);
      assert.deepEqual(await memberIds(group.id), ids(2));
    });

    it('refuses a member whose claimed type is wrong, and a group that contains itself', async () => {
      const group = await createGroup();
      assertScimError(await dir.request('PATCH', `/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: users[0].id, type: 'Group' }] })), 400, 'invalidValue');
      assertScimError(await dir.request('PATCH', `/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: group.id }] })), 400, 'invalidValue');
      assert.deepEqual(await memberIds(group.id), []);
    });

    it('adds members with Entra\'s PATCH {"op":"Add","path":"members","value":[{"$ref":null,"value":…}]}', async () => {
      const group = await createGroup([users[0].id]);
      await patchGroup(group.id, { op: 'Add', path: 'members', value: [{ $ref: null, value: users[1].id }, { $ref: null, value: users[2].id }] });
      assert.deepEqual(await memberIds(group.id), ids(0, 1, 2));
      // Adding an existing member again is harmless.
      await patchGroup(group.id, { op: 'Add', path: 'members', value: [{ $ref: null, value: users[1].id }] });
      assert.deepEqual(await memberIds(group.id), ids(0, 1, 2));
    });

    it('removes members with Entra\'s default {"op":"Remove","path":"members","value":[{"value":…}]}', async () => {
      const group = await createGroup([users[0].id, users[1].id, users[2].id]);
      await patchGroup(group.id, { op: 'Remove', path: 'members', value: [{ $ref: null, value: users[0].id }, { value: users[2].id }] });
      assert.deepEqual(await memberIds(group.id), ids(1));
    });

    it('removes a member with the compliant {"op":"remove","path":"members[value eq \\"…\\"]"}', async () => {
      const group = await createGroup([users[0].id, users[1].id]);
      await patchGroup(group.id, { op: 'remove', path: `members[value eq "${users[1].id}"]` });
      assert.deepEqual(await memberIds(group.id), ids(0));
    });

    it('removes members chosen by a filter on display', async () => {
      const group = await createGroup([users[0].id, users[1].id, users[2].id]);
      await patchGroup(group.id, { op: 'remove', path: 'members[display eq "Member 1" or display eq "member 2"]' });
      assert.deepEqual(await memberIds(group.id), ids(0));
    });

    it('removes all members with {"op":"remove","path":"members"}', async () => {
      const group = await createGroup([users[0].id, users[1].id, users[2].id]);
      await patchGroup(group.id, { op: 'remove', path: 'members' });
      assert.deepEqual(await memberIds(group.id), []);
    });

    it('replaces all members with {"op":"replace","path":"members","value":[…]}', async () => {
      const group = await createGroup([users[0].id, users[1].id]);
      await patchGroup(group.id, { op: 'replace', path: 'members', value: [{ value: users[1].id }, { value: users[3].id }] });
      assert.deepEqual(await memberIds(group.id), ids(1, 3));
      await patchGroup(group.id, { op: 'Replace', path: 'members', value: [] });
      assert.deepEqual(await memberIds(group.id), []);
    });

    it("applies Okta's membership PATCH: remove by filter, then add with display, in one request", async () => {
      const group = await createGroup([users[0].id, users[1].id]);
      await patchGroup(
        group.id,
        { op: 'remove', path: `members[value eq "${users[0].id}"]` },
        { op: 'add', path: 'members', value: [{ value: users[4].id, display: 'member4@example.com' }] },
      );
      assert.deepEqual(await memberIds(group.id), ids(1, 4));
    });

    it("renames with Okta's pathless replace carrying id and displayName", async () => {
      const group = await createGroup([users[0].id]);
      await patchGroup(group.id, { op: 'replace', value: { id: group.id, displayName: `${group.displayName} renamed` } });
      const fetched = await dir.request('GET', `/Groups/${group.id}`);
      assert.equal(fetched.body.displayName, `${group.displayName} renamed`);
      assert.deepEqual(fetched.body.members.map((m: Member) => m.value), [users[0].id]);
    });

    it('adds members with a pathless add carrying members', async () => {
      const group = await createGroup();
      await patchGroup(group.id, { op: 'add', value: { members: [{ value: users[5].id }] } });
      assert.deepEqual(await memberIds(group.id), ids(5));
    });

    it('applies member operations in order within one PATCH', async () => {
      const group = await createGroup([users[0].id]);
      await patchGroup(
        group.id,
        { op: 'add', path: 'members', value: [{ value: users[1].id }] },
        { op: 'remove', path: 'members' },
        { op: 'add', path: 'members', value: [{ value: users[2].id }] },
        { op: 'remove', path: `members[value eq "${users[2].id}"]` },
        { op: 'add', path: 'members', value: [{ value: users[3].id }] },
      );
      assert.deepEqual(await memberIds(group.id), ids(3));
    });

    it('group PATCH answers 204 with the new ETag, which moves with every change and not without one', async () => {
      const group = await createGroup();
      const first = await patchGroup(group.id, { op: 'Replace', path: 'displayName', value: `${group.displayName}!` });
      assert.equal(first.text, '');
      const etag1 = first.headers.get('etag');
      assert.ok(etag1);
      assert.notEqual(etag1, group.meta.version);
      const second = await patchGroup(group.id, { op: 'add', path: 'members', value: [{ value: users[0].id }] });
      const etag2 = second.headers.get('etag');
      assert.notEqual(etag2, etag1);
      const fetched = await dir.request('GET', `/Groups/${group.id}`);
      assert.equal(fetched.body.meta.version, etag2);
      assert.equal(fetched.body.displayName, `${group.displayName}!`);
      // Adding a member that is already there changes nothing, so the version stays.
      const third = await patchGroup(group.id, { op: 'add', path: 'members', value: [{ value: users[0].id }] });
      assert.equal(third.headers.get('etag'), etag2);
    });

    it('group PATCH returns the group with 200 when the client asks for attributes', async () => {
      const group = await createGroup([users[0].id]);
      const response = await dir.request('PATCH', `/Groups/${group.id}?attributes=displayName`, patchOp({ op: 'replace', path: 'displayName', value: `${group.displayName}?` }));
      assertStatus(response, 200);
      assert.equal(response.body.displayName, `${group.displayName}?`);
      assert.equal(response.body.id, group.id);
      assert.equal('members' in response.body, false);
    });

    it('excludedAttributes=members omits members on GET, list and filter, as Entra asks', async () => {
      const group = await createGroup([users[0].id, users[1].id], 'Entra Match Group');
      const single = await dir.request('GET', `/Groups/${group.id}?excludedAttributes=members`);
      assertStatus(single, 200);
      assert.equal('members' in single.body, false);
      assert.equal(single.body.displayName, 'Entra Match Group');
      assert.equal(single.body.id, group.id);
      const matched = await dir.request('GET', `/Groups?excludedAttributes=members&filter=${q('displayName eq "Entra Match Group"')}`);
      assertStatus(matched, 200);
      assert.equal(matched.body.totalResults, 1);
      assert.equal('members' in matched.body.Resources[0], false);
      const listed = await dir.request('GET', '/Groups?excludedAttributes=members&count=1000');
      assert.ok(listed.body.Resources.length > 1);
      assert.ok(listed.body.Resources.every((g: object) => !('members' in g)));
      // Without the parameter the members are there.
      const full = await dir.request('GET', `/Groups?filter=${q('displayName eq "Entra Match Group"')}`);
      assert.equal(full.body.Resources[0].members.length, 2);
    });

    it("lists a user's groups in its read-only groups attribute", async () => {
      const user = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'joiner@example.com' })).body;
      const g1 = await createGroup([user.id], 'Joiner One');
      const g2 = await createGroup([user.id, users[0].id], 'Joiner Two');
      await createGroup([users[0].id], 'Not Joiner');
      const fetched = await dir.request('GET', `/Users/${user.id}`);
      const groups = fetched.body.groups as Member[];
      assert.deepEqual(groups.map((g) => g.value).sort(), [g1.id, g2.id].sort());
      const one = groups.find((g) => g.value === g1.id)!;
      assert.equal(one.display, 'Joiner One');
      assert.equal(one.$ref, `${server.baseUrl}/Groups/${g1.id}`);
      const listed = await dir.request('GET', `/Users?filter=${q('userName eq "joiner@example.com"')}`);
      assert.deepEqual(listed.body.Resources[0].groups.map((g: Member) => g.value).sort(), [g1.id, g2.id].sort());
      const byGroup = await dir.request('GET', `/Users?filter=${q(`groups.value eq "${g1.id}"`)}`);
      assert.deepEqual(byGroup.body.Resources.map((u: { id: string }) => u.id), [user.id]);
      // The membership comes from the group; writing groups on the user is refused.
      const refused = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'add', path: 'groups', value: [{ value: g1.id }] }));
      assertScimError(refused, 400, 'mutability');
    });

    it('deleting a user removes it from every group, and moves those groups on', async () => {
      const user = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'leaver@example.com' })).body;
      const g1 = await createGroup([user.id, users[0].id]);
      const g2 = await createGroup([user.id]);
      assertStatus(await dir.request('DELETE', `/Users/${user.id}`), 204);
      assert.deepEqual(await memberIds(g1.id), ids(0));
      assert.deepEqual(await memberIds(g2.id), []);
      const byMember = await dir.request('GET', `/Groups?filter=${q(`members.value eq "${user.id}"`)}`);
      assert.equal(byMember.body.totalResults, 0);
    });

    it('deleting a group removes it from its members\' groups', async () => {
      const user = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'orphan@example.com' })).body;
      const group = await createGroup([user.id]);
      assertStatus(await dir.request('DELETE', `/Groups/${group.id}`), 204);
      assertScimError(await dir.request('GET', `/Groups/${group.id}`), 404);
      const fetched = await dir.request('GET', `/Users/${user.id}`);
      assert.deepEqual(fetched.body.groups ?? [], []);
    });

    it('displayName is unique per directory, case-insensitively: 409 uniqueness on POST, PUT and PATCH', async () => {
      await createGroup([], 'Finance');
      assertScimError(await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Finance' }), 409, 'uniqueness');
      assertScimError(await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'FINANCE' }), 409, 'uniqueness');
      const other = await createGroup([users[0].id], 'Accounting');
      assertScimError(await dir.request('PUT', `/Groups/${other.id}`, { schemas: [GROUP_SCHEMA], displayName: 'finance', members: [] }), 409, 'uniqueness');
      assertScimError(await dir.request('PATCH', `/Groups/${other.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Finance' })), 409, 'uniqueness');
      const fetched = await dir.request('GET', `/Groups/${other.id}`);
      assert.equal(fetched.body.displayName, 'Accounting');
      assert.deepEqual(fetched.body.members.map((m: Member) => m.value), [users[0].id]);
    });

    it('PUT replaces displayName and the whole member list', async () => {
      const group = await createGroup([users[0].id, users[1].id]);
      const response = await dir.request('PUT', `/Groups/${group.id}`, { schemas: [GROUP_SCHEMA], displayName: `${group.displayName} (put)`, members: [{ value: users[2].id }] });
      assertStatus(response, 200);
      assert.equal(response.body.displayName, `${group.displayName} (put)`);
      assert.deepEqual(response.body.members.map((m: Member) => m.value), [users[2].id]);
      assert.deepEqual(await memberIds(group.id), ids(2));
    });

    it('PATCH with a sub-attribute of members is refused with 400 invalidPath', async () => {
      const group = await createGroup([users[0].id]);
      assertScimError(await dir.request('PATCH', `/Groups/${group.id}`, patchOp({ op: 'replace', path: 'members.display', value: 'x' })), 400, 'invalidPath');
      assert.deepEqual(await memberIds(group.id), ids(0));
    });

    it('50 concurrent member-add PATCHes to one group leave exactly 50 members', async () => {
      const created = await Promise.all(
        Array.from({ length: 50 }, (_, i) => dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `concurrent${i}@example.com` })),
      );
      created.forEach((r) => assertStatus(r, 201));
      const group = await createGroup();
      const responses = await Promise.all(
        created.map((r) => dir.request('PATCH', `/Groups/${group.id}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: r.body.id }] }))),
      );
      assert.deepEqual(responses.map((r) => r.status), responses.map(() => 204), responses.find((r) => r.status !== 204)?.text);
      assert.deepEqual(await memberIds(group.id), created.map((r) => r.body.id).sort());
      const versions = new Set(responses.map((r) => r.headers.get('etag')));
      assert.equal(versions.size, 50, 'every add moved the version once');
      const fetched = await dir.request('GET', `/Groups/${group.id}`);
      assert.equal(fetched.body.meta.version, 'W/"51"');
    });
  });
}
