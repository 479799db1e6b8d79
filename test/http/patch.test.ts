import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, ENTERPRISE_SCHEMA, GROUP_SCHEMA, patchOp, PATCH_SCHEMA, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

for (const backend of BACKENDS) {
  describe(`PATCH (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let counter = 0;

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const createUser = async (extra: object = {}) => {
      const response = await dir.request('POST', '/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        userName: `patch-${++counter}@example.com`,
        title: 'Original',
        name: { givenName: 'Pat', familyName: 'Ch' },
        emails: [
          { value: `work${counter}@example.com`, type: 'work', primary: true },
          { value: `home${counter}@example.com`, type: 'home' },
        ],
        [ENTERPRISE_SCHEMA]: { department: 'Ops' },
        ...extra,
      });
      assertStatus(response, 201);
      return response.body as Record<string, any> & { id: string; meta: { version: string } };
    };
    const patch = (id: string, ...operations: object[]) => dir.request('PATCH', `/Users/${id}`, patchOp(...operations));
    const expectUnchanged = async (user: Record<string, any>, type = 'Users') => {
      const now = await dir.request('GET', `/${type}/${user.id}`);
      assertStatus(now, 200);
      assert.deepEqual(now.body, user);
    };

    describe('atomicity', () => {
      const invalidThirdOps: [string, object, string][] = [
        ['an unknown attribute', { op: 'replace', path: 'noSuchAttribute', value: 'x' }, 'invalidPath'],
        ['a read-only attribute', { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }, 'mutability'],
        ['a value of the wrong type', { op: 'replace', path: 'active', value: 'perhaps' }, 'invalidValue'],
        ['a filter that matches nothing and cannot create', { op: 'replace', path: 'emails[type eq "x" or type eq "y"].value', value: 'v@example.com' }, 'noTarget'],
        ['removing the required userName', { op: 'remove', path: 'userName' }, 'invalidValue'],
        ['a pathless remove', { op: 'remove' }, 'noTarget'],
      ];
      for (const [what, third, scimType] of invalidThirdOps) {
        it(`a PATCH whose third operation has ${what} changes nothing`, async () => {
          const user = await createUser();
          const response = await patch(
            user.id,
            { op: 'replace', path: 'title', value: 'Changed' },
            { op: 'add', path: 'nickName', value: 'Nick' },
            third,
            { op: 'replace', path: 'displayName', value: 'After' },
          );
          assertScimError(response, 400, scimType);
          assert.match(response.body.detail, /Operation 3/);
          await expectUnchanged(user);
        });
      }

      it('a group PATCH that adds members and then fails changes neither members nor attributes', async () => {
        const u1 = await createUser();
        const u2 = await createUser();
        const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Atomic ${counter}`, members: [{ value: u1.id }] });
        assertStatus(group, 201);
        const response = await dir.request(
          'PATCH',
          `/Groups/${group.body.id}`,
          patchOp(
            { op: 'replace', path: 'displayName', value: 'Renamed' },
            { op: 'add', path: 'members', value: [{ value: u2.id }] },
            { op: 'remove', path: `members[value eq "${u1.id}"]` },
            { op: 'add', path: 'members', value: [{ value: 'no-such-member' }] },
          ),
        );
        assertScimError(response, 400, 'invalidValue');
        await expectUnchanged(group.body, 'Groups');
      });

      it('a group PATCH whose rename collides is 409 and its member changes are rolled back', async () => {
        const u1 = await createUser();
        await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Taken Name' });
        const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Collides ${counter}` });
        const response = await dir.request(
          'PATCH',
          `/Groups/${group.body.id}`,
          patchOp({ op: 'add', path: 'members', value: [{ value: u1.id }] }, { op: 'replace', path: 'displayName', value: 'taken name' }),
        );
        assertScimError(response, 409, 'uniqueness');
        await expectUnchanged(group.body, 'Groups');
        const user = await dir.request('GET', `/Users/${u1.id}`);
        assert.deepEqual(user.body.groups ?? [], []);
      });
    });

    describe('mutability', () => {
      it('refuses to change id, meta or groups with 400 mutability', async () => {
        const user = await createUser();
        const refused = [
          { op: 'replace', path: 'id', value: 'new-id' },
          { op: 'replace', path: 'meta', value: { created: '2020-01-01T00:00:00Z' } },
          { op: 'replace', path: 'meta.lastModified', value: '2020-01-01T00:00:00Z' },
          { op: 'remove', path: 'meta.version' },
          { op: 'add', path: 'groups', value: [{ value: 'some-group' }] },
          { op: 'remove', path: 'groups' },
          { op: 'replace', value: { id: 'another-id' } },
        ];
        for (const operation of refused) assertScimError(await patch(user.id, operation), 400, 'mutability');
        await expectUnchanged(user);
      });

      it('accepts a pathless value that repeats the current id (Okta)', async () => {
        const user = await createUser();
        const response = await patch(user.id, { op: 'replace', value: { id: user.id, title: 'Same id' } });
        assertStatus(response, 200);
        assert.equal(response.body.id, user.id);
        assert.equal(response.body.title, 'Same id');
      });
    });

    describe('invalid paths and targets', () => {
      it('refuses paths that name no attribute, or are malformed, with 400 invalidPath', async () => {
        const user = await createUser();
        for (const path of ['noSuchAttribute', 'name.noSuchSub', 'emails[type eq "work"', 'emails[type eq]', 'userName[value eq "x"]', 'emails.value[type eq "work"]', '9lives', 'emails[type eq "work"].value.extra', `${ENTERPRISE_SCHEMA}:noSuch`]) {
          assertScimError(await patch(user.id, { op: 'replace', path, value: 'x' }), 400, 'invalidPath');
        }
        await expectUnchanged(user);
      });

      it('answers 400 noTarget when a sub-attribute of an empty multi-valued attribute is replaced', async () => {
        const user = await createUser({ emails: undefined });
        assertScimError(await patch(user.id, { op: 'replace', path: 'emails.value', value: 'x@example.com' }), 400, 'noTarget');
        await expectUnchanged(user);
      });

      it('refuses malformed operations with 400 invalidSyntax or invalidValue', async () => {
        const user = await createUser();
        assertScimError(await patch(user.id, { op: 'move', path: 'title', value: 'x' }), 400, 'invalidSyntax');
        assertScimError(await patch(user.id, { path: 'title', value: 'x' }), 400, 'invalidSyntax');
        assertScimError(await patch(user.id, { op: 'replace', path: 7, value: 'x' }), 400, 'invalidSyntax');
        assertScimError(await patch(user.id, 'not an object' as unknown as object), 400, 'invalidSyntax');
        assertScimError(await patch(user.id, { op: 'add', path: 'title' }), 400, 'invalidValue');
        assertScimError(await patch(user.id, { op: 'replace', value: 'not an object' }), 400, 'invalidValue');
        assertScimError(await dir.request('PATCH', `/Users/${user.id}`, { schemas: ['urn:wrong'], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), 400, 'invalidSyntax');
        await expectUnchanged(user);
      });

      it('answers 404 for a PATCH of an unknown id', async () => {
        assertScimError(await patch('no-such-user', { op: 'replace', path: 'title', value: 'x' }), 404);
      });
    });

    describe('semantics', () => {
      it('applies operations in order', async () => {
        const user = await createUser();
        const response = await patch(
          user.id,
          { op: 'add', path: 'title', value: 'First' },
          { op: 'replace', path: 'title', value: 'Second' },
          { op: 'remove', path: 'emails' },
          { op: 'add', path: 'emails', value: [{ value: 'only@example.com', type: 'other' }] },
          { op: 'remove', path: 'nickName' },
          { op: 'add', path: 'nickName', value: 'Last' },
          { op: 'replace', path: 'nickName', value: 'Final' },
        );
        assertStatus(response, 200);
        assert.equal(response.body.title, 'Second');
        assert.equal(response.body.nickName, 'Final');
        assert.deepEqual(response.body.emails, [{ value: 'only@example.com', type: 'other' }]);
        const fetched = await dir.request('GET', `/Users/${user.id}`);
        assert.deepEqual(fetched.body, response.body);
      });

      it("applies Entra's capitalised ops, value-path replace and string booleans", async () => {
        const user = await createUser();
        const response = await patch(
          user.id,
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@example.com' },
          { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
        );
        assertStatus(response, 200);
        assert.deepEqual(response.body.emails[0], { value: 'updated@example.com', type: 'work', primary: true });
        assert.equal(response.body.emails[1].value, user.emails[1].value);
        assert.equal(response.body.name.familyName, 'updatedFamilyName');
        assert.equal(response.body.name.givenName, 'Pat');
        assert.equal(response.body.active, false);
        assert.deepEqual(response.body.phoneNumbers, [{ type: 'mobile', value: '+1 555 0100' }]);
      });

      it("sets the manager from Entra's array form and from a plain id string", async () => {
        const manager = await createUser();
        const user = await createUser();
        const first = await patch(user.id, { op: 'Add', path: 'manager', value: [{ $ref: `${server.baseUrl}/Users/${manager.id}`, value: manager.id }] });
        assertStatus(first, 200);
        assert.equal(first.body[ENTERPRISE_SCHEMA].manager.value, manager.id);
        const other = await createUser();
        const second = await patch(other.id, { op: 'add', path: `${ENTERPRISE_SCHEMA}:manager`, value: manager.id });
        assertStatus(second, 200);
        assert.deepEqual(second.body[ENTERPRISE_SCHEMA].manager, { value: manager.id });
        assert.equal(second.body[ENTERPRISE_SCHEMA].department, 'Ops');
      });

      it("applies Okta's pathless replace of active and dotted or URN-qualified keys", async () => {
        const user = await createUser();
        const response = await patch(user.id, {
          op: 'replace',
          value: { active: false, 'name.givenName': 'Dotted', [`${ENTERPRISE_SCHEMA}:department`]: 'Qualified', [ENTERPRISE_SCHEMA]: { costCenter: 'CC9' } },
        });
        assertStatus(response, 200);
        assert.equal(response.body.active, false);
        assert.equal(response.body.name.givenName, 'Dotted');
        assert.equal(response.body.name.familyName, 'Ch');
        assert.deepEqual(response.body[ENTERPRISE_SCHEMA], { department: 'Qualified', costCenter: 'CC9' });
      });

      it('removes elements chosen by a value filter, and single elements by value', async () => {
        const user = await createUser();
        const byFilter = await patch(user.id, { op: 'remove', path: 'emails[type eq "home"]' });
        assert.deepEqual(byFilter.body.emails.map((e: { type: string }) => e.type), ['work']);
        const again = await createUser();
        const byValue = await patch(again.id, { op: 'remove', path: 'emails', value: [{ value: again.emails[0].value }] });
        assert.deepEqual(byValue.body.emails.map((e: { type: string }) => e.type), ['home']);
      });

      it('moves the primary flag when a new primary value is added', async () => {
        const user = await createUser();
        const response = await patch(user.id, { op: 'add', path: 'emails', value: [{ value: 'new-primary@example.com', type: 'other', primary: true }] });
        const primaries = response.body.emails.filter((e: { primary?: boolean }) => e.primary === true);
        assert.deepEqual(primaries.map((e: { value: string }) => e.value), ['new-primary@example.com']);
        assert.equal(response.body.emails.length, 3);
      });

      it('removes a whole extension by its URN path', async () => {
        const user = await createUser();
        const response = await patch(user.id, { op: 'remove', path: ENTERPRISE_SCHEMA });
        assertStatus(response, 200);
        assert.equal(ENTERPRISE_SCHEMA in response.body, false);
        assert.deepEqual(response.body.schemas, [USER_SCHEMA]);
      });

      it('accepts the PatchOp schema in any case and Operations in any case', async () => {
        const user = await createUser();
        const response = await dir.request('PATCH', `/Users/${user.id}`, { schemas: [PATCH_SCHEMA.toUpperCase()], operations: [{ OP: 'REPLACE', PATH: 'title', VALUE: 'Loud' }] });
        assertStatus(response, 200);
        assert.equal(response.body.title, 'Loud');
      });
    });
  });
}
