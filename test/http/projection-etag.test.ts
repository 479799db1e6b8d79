import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, ENTERPRISE_SCHEMA, GROUP_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const ACME = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

for (const backend of BACKENDS) {
  describe(`attributes and excludedAttributes (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let user: Record<string, any>;
    let counter = 0;

    const fullUser = (userName: string) => ({
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      userName,
      externalId: `ext-${userName}`,
      displayName: 'Projected Person',
      title: 'Cartographer',
      password: 'S3cret-Passw0rd',
      name: { givenName: 'Pro', familyName: 'Jection', formatted: 'Pro Jection' },
      emails: [
        { value: 'work@example.com', type: 'work', primary: true },
        { value: 'home@example.com', type: 'home' },
      ],
      [ENTERPRISE_SCHEMA]: { department: 'Maps', employeeNumber: '77' },
      [ACME]: { badge: 'B-1' },
    });

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      const created = await dir.request('POST', '/Users', fullUser('projected@example.com'));
      assertStatus(created, 201);
      user = created.body;
    });
    after(() => server.close());

    const get = async (query: string) => {
      const response = await dir.request('GET', `/Users/${user.id}?${query}`);
      assertStatus(response, 200);
      return response.body;
    };

    it('attributes=userName returns id, schemas and userName only', async () => {
      const body = await get('attributes=userName');
      assert.deepEqual(Object.keys(body).sort(), ['id', 'schemas', 'userName']);
      assert.equal(body.id, user.id);
      assert.equal(body.userName, 'projected@example.com');
    });

    it('attributes takes several names, in any case, and ignores names no schema defines', async () => {
      const body = await get('attributes=USERNAME,title,noSuchThing');
      assert.deepEqual(Object.keys(body).sort(), ['id', 'schemas', 'title', 'userName']);
    });

    it('attributes selects sub-attributes', async () => {
      const body = await get('attributes=name.givenName,emails.value');
      assert.deepEqual(body.name, { givenName: 'Pro' });
      assert.deepEqual(body.emails, [{ value: 'work@example.com' }, { value: 'home@example.com' }]);
      assert.equal('userName' in body, false);
    });

    it('attributes selects URN-qualified extension attributes and whole extensions', async () => {
      const one = await get(`attributes=${ENTERPRISE_SCHEMA}:department`);
      assert.deepEqual(one[ENTERPRISE_SCHEMA], { department: 'Maps' });
      assert.equal('userName' in one, false);
      const whole = await get(`attributes=${ENTERPRISE_SCHEMA}`);
      assert.deepEqual(whole[ENTERPRISE_SCHEMA], { department: 'Maps', employeeNumber: '77' });
      assert.equal(ACME in whole, false);
      const qualifiedCore = await get(`attributes=${USER_SCHEMA}:name.familyName`);
      assert.deepEqual(qualifiedCore.name, { familyName: 'Jection' });
      const unknownExtension = await get(`attributes=${ACME}:badge`);
      assert.deepEqual(unknownExtension[ACME], { badge: 'B-1' });
      assert.equal(ENTERPRISE_SCHEMA in unknownExtension, false);
    });

    it('attributes selects meta and its sub-attributes', async () => {
      const body = await get('attributes=meta.version');
      assert.deepEqual(body.meta, { version: user.meta.version });
    });

    it('excludedAttributes removes attributes, sub-attributes and extension attributes', async () => {
      const body = await get(`excludedAttributes=emails,name.familyName,${ENTERPRISE_SCHEMA}:employeeNumber`);
      assert.equal('emails' in body, false);
      assert.deepEqual(body.name, { givenName: 'Pro', formatted: 'Pro Jection' });
      assert.deepEqual(body[ENTERPRISE_SCHEMA], { department: 'Maps' });
      assert.equal(body.userName, 'projected@example.com');
      assert.equal(body.title, 'Cartographer');
      assert.ok(body.meta);
    });

    it('never excludes id or schemas, which are always returned', async () => {
      const body = await get('excludedAttributes=id,schemas,userName');
      assert.equal(body.id, user.id);
      assert.deepEqual(body.schemas, user.schemas);
      assert.equal('userName' in body, false);
    });

    it('applies attributes to every resource of a list and a search', async () => {
      const list = await dir.request('GET', `/Users?attributes=userName,emails.type&filter=${q('userName eq "projected@example.com"')}`);
      assertStatus(list, 200);
      assert.deepEqual(list.body.Resources, [{ schemas: user.schemas, id: user.id, userName: 'projected@example.com', emails: [{ type: 'work' }, { type: 'home' }] }]);
      const search = await dir.request('POST', '/Users/.search', { filter: 'userName eq "projected@example.com"', excludedAttributes: ['emails', 'name', 'meta', ENTERPRISE_SCHEMA, ACME, 'groups'] });
      assertStatus(search, 200);
      assert.deepEqual(Object.keys(search.body.Resources[0]).sort(), ['displayName', 'externalId', 'id', 'schemas', 'title', 'userName']);
    });

    it('applies attributes and excludedAttributes to POST, PUT and PATCH responses', async () => {
      const created = await dir.request('POST', `/Users?attributes=userName`, fullUser(`projected-${++counter}@example.com`));
      assertStatus(created, 201);
      assert.deepEqual(Object.keys(created.body).sort(), ['id', 'schemas', 'userName']);
      assert.ok(created.headers.get('etag'));
      assert.ok(created.headers.get('location'));
      // The projection shapes only the response; everything was stored.
      const stored = await dir.request('GET', `/Users/${created.body.id}`);
      assert.equal(stored.body.title, 'Cartographer');
      const replaced = await dir.request('PUT', `/Users/${created.body.id}?excludedAttributes=emails,name`, { ...fullUser(created.body.userName), title: 'Surveyor' });
      assertStatus(replaced, 200);
      assert.equal('emails' in replaced.body, false);
      assert.equal('name' in replaced.body, false);
      assert.equal(replaced.body.title, 'Surveyor');
      const patched = await dir.request('PATCH', `/Users/${created.body.id}?attributes=title`, patchOp({ op: 'replace', path: 'title', value: 'Explorer' }));
      assertStatus(patched, 200);
      assert.deepEqual(patched.body, { schemas: user.schemas, id: created.body.id, title: 'Explorer' });
    });

    it('never returns the password, even when asked for it', async () => {
      const responses = [
        await dir.request('POST', '/Users', fullUser(`projected-${++counter}@example.com`)),
        await dir.request('GET', `/Users/${user.id}`),
        await dir.request('GET', `/Users/${user.id}?attributes=password`),
        await dir.request('GET', `/Users?attributes=password,userName`),
        await dir.request('POST', '/Users/.search', { attributes: ['password'] }),
        await dir.request('PUT', `/Users/${user.id}?attributes=password`, fullUser('projected@example.com')),
        await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'password', value: 'N3w-Passw0rd' })),
        await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', value: { password: 'Other-Passw0rd' } })),
      ];
      for (const response of responses) {
        assert.ok(response.status < 300, response.text);
        assert.doesNotMatch(response.text, /password|Passw0rd/i);
      }
    });

    it('omits members of groups with excludedAttributes=members and keeps them with attributes=members', async () => {
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Projected Group', members: [{ value: user.id }] });
      assertStatus(group, 201);
      const without = await dir.request('GET', `/Groups/${group.body.id}?excludedAttributes=members`);
      assert.equal('members' in without.body, false);
      const only = await dir.request('GET', `/Groups/${group.body.id}?attributes=members.value`);
      assert.deepEqual(only.body.members, [{ value: user.id }]);
      assert.equal('displayName' in only.body, false);
      const groupsOnly = await dir.request('GET', `/Users/${user.id}?attributes=groups.display`);
      assert.deepEqual(groupsOnly.body.groups, [{ display: 'Projected Group' }]);
    });

    it('refuses a malformed attributes parameter with 400', async () => {
      assertScimError(await dir.request('GET', `/Users/${user.id}?attributes=${encodeURIComponent('name..givenName')}`), 400);
      assertScimError(await dir.request('GET', `/Users/${user.id}?excludedAttributes=${encodeURIComponent('emails[type eq')}`), 400);
      assertScimError(await dir.request('POST', '/Users/.search', { attributes: 'userName', excludedAttributes: [{}] }), 400);
    });
  });

  describe(`ETags and preconditions (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let counter = 0;

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const createUser = async () => {
      const response = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `etag-${++counter}@example.com`, title: 'Original' });
      assertStatus(response, 201);
      return response.body as { id: string; userName: string; title: string; meta: { version: string; lastModified: string } };
    };
    const unchanged = async (created: Awaited<ReturnType<typeof createUser>>) => {
      const now = await dir.request('GET', `/Users/${created.id}`);
      assertStatus(now, 200);
      assert.deepEqual(now.body, created);
    };

    it('GET carries an ETag equal to meta.version, a weak tag', async () => {
      const user = await createUser();
      const response = await dir.request('GET', `/Users/${user.id}`);
      assert.equal(response.headers.get('etag'), user.meta.version);
      assert.match(user.meta.version, /^W\/"[^"]+"$/);
    });

    it('If-None-Match with the current tag is 304 without a body; with another tag, 200', async () => {
      const user = await createUser();
      const notModified = await dir.request('GET', `/Users/${user.id}`, undefined, { 'if-none-match': user.meta.version });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.text, '');
      assert.equal(notModified.headers.get('etag'), user.meta.version);
      const strong = await dir.request('GET', `/Users/${user.id}`, undefined, { 'if-none-match': user.meta.version.replace(/^W\//, '') });
      assert.equal(strong.status, 304);
      const list = await dir.request('GET', `/Users/${user.id}`, undefined, { 'if-none-match': `W/"nope", ${user.meta.version}` });
      assert.equal(list.status, 304);
      const any = await dir.request('GET', `/Users/${user.id}`, undefined, { 'if-none-match': '*' });
      assert.equal(any.status, 304);
      const other = await dir.request('GET', `/Users/${user.id}`, undefined, { 'if-none-match': 'W/"999"' });
      assertStatus(other, 200);
      assert.equal(other.body.id, user.id);
      assertScimError(await dir.request('GET', '/Users/no-such-id', undefined, { 'if-none-match': 'W/"1"' }), 404);
    });

    it('If-None-Match stops matching once the resource changes', async () => {
      const user = await createUser();
      assertStatus(await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Changed' })), 200);
      const response = await dir.request('GET', `/Users/${user.id}`, undefined, { 'if-none-match': user.meta.version });
      assertStatus(response, 200);
      assert.equal(response.body.title, 'Changed');
      assert.notEqual(response.headers.get('etag'), user.meta.version);
    });

    it('If-Match that does not match refuses PUT, PATCH and DELETE with 412 and changes nothing', async () => {
      const user = await createUser();
      const stale = { 'if-match': 'W/"12345"' };
      assertScimError(await dir.request('PUT', `/Users/${user.id}`, { userName: user.userName, title: 'Put' }, stale), 412);
      assertScimError(await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Patched' }), stale), 412);
      assertScimError(await dir.request('DELETE', `/Users/${user.id}`, undefined, stale), 412);
      await unchanged(user);
    });

    it('If-Match with an old version is refused after a change', async () => {
      const user = await createUser();
      const changed = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Second' }), { 'if-match': user.meta.version });
      assertStatus(changed, 200);
      assert.notEqual(changed.body.meta.version, user.meta.version);
      assertScimError(await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Third' }), { 'if-match': user.meta.version }), 412);
      assertScimError(await dir.request('DELETE', `/Users/${user.id}`, undefined, { 'if-match': user.meta.version }), 412);
      await unchanged(changed.body);
    });

    it('If-Match that matches lets PUT, PATCH and DELETE through', async () => {
      const user = await createUser();
      const put = await dir.request('PUT', `/Users/${user.id}`, { userName: user.userName, title: 'Put' }, { 'if-match': user.meta.version });
      assertStatus(put, 200);
      assert.equal(put.body.title, 'Put');
      const patch = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Patched' }), { 'if-match': put.headers.get('etag')! });
      assertStatus(patch, 200);
      assert.equal(patch.body.title, 'Patched');
      const star = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Star' }), { 'if-match': '*' });
      assertStatus(star, 200);
      const strong = await dir.request('DELETE', `/Users/${user.id}`, undefined, { 'if-match': star.body.meta.version.replace(/^W\//, '') });
      assert.equal(strong.status, 204);
      assertScimError(await dir.request('GET', `/Users/${user.id}`), 404);
    });

    it('If-Match on a group PATCH is honoured, and the 204 carries the new ETag', async () => {
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Etag Group' });
      assertScimError(await dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Nope' }), { 'if-match': 'W/"77"' }), 412);
      const ok = await dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Etag Group 2' }), { 'if-match': group.body.meta.version });
      assert.equal(ok.status, 204);
      const fetched = await dir.request('GET', `/Groups/${group.body.id}`);
      assert.equal(fetched.body.displayName, 'Etag Group 2');
      assert.equal(fetched.headers.get('etag'), ok.headers.get('etag'));
    });

    it('a PATCH that changes nothing keeps the version and lastModified', async () => {
      const user = await createUser();
      const started = server.clock.now;
      server.clock.now = new Date(started.getTime() + 60_000);
      try {
        const same = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Original' }), { 'if-match': user.meta.version });
        assertStatus(same, 200);
        assert.equal(same.body.meta.version, user.meta.version);
        assert.equal(same.body.meta.lastModified, user.meta.lastModified);
        assert.equal(same.headers.get('etag'), user.meta.version);
        const removeMissing = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'remove', path: 'nickName' }));
        assert.equal(removeMissing.body.meta.version, user.meta.version);
        const put = await dir.request('PUT', `/Users/${user.id}`, { schemas: [USER_SCHEMA], userName: user.userName, title: 'Original' });
        assert.equal(put.body.meta.version, user.meta.version, 'an identical PUT is a no-op too');
        await unchanged(user);
      } finally {
        server.clock.now = started;
      }
    });

    it('the version moves on every change', async () => {
      const user = await createUser();
      const versions = new Set([user.meta.version]);
      for (const title of ['a', 'b', 'c']) {
        const response = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: title }));
        versions.add(response.body.meta.version);
      }
      const put = await dir.request('PUT', `/Users/${user.id}`, { userName: user.userName });
      versions.add(put.body.meta.version);
      assert.equal(versions.size, 5);
    });
  });
}
