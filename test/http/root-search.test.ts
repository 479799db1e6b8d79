import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, GROUP_SCHEMA, LIST_SCHEMA, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

for (const backend of BACKENDS) {
  describe(`POST /.search at the server root (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let other: TestDirectory;
    const users: Record<string, string> = {};
    const groups: Record<string, string> = {};

    const search = (body: object, as: TestDirectory = dir) => as.request('POST', '/.search', { schemas: [SEARCH], ...body });
    const names = (resources: any[]) => resources.map((r) => r.userName ?? r.displayName);

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      other = await server.createDirectory();
      for (const [userName, displayName] of [['alice', 'Alice Archer'], ['bob', 'Bob Baker'], ['carol', 'Carol Cole']]) {
        const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName, displayName });
        assertStatus(created, 201);
        users[userName] = created.body.id;
      }
      for (const [displayName, members] of [['Builders', [users.alice]], ['Admins', []]] as const) {
        const created = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
        assertStatus(created, 201);
        groups[displayName] = created.body.id;
      }
      // Another tenant with look-alike resources: none may appear in the first directory's searches.
      assertStatus(await other.request('POST', '/Users', { userName: 'alice', displayName: 'Alice Elsewhere' }), 201);
      assertStatus(await other.request('POST', '/Groups', { displayName: 'Admins' }), 201);
    });
    after(() => server.close());

    it('answers a ListResponse of the directory’s Users, then its Groups, each with its own schemas and meta.resourceType', async () => {
      const response = await search({});
      assertStatus(response, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/);
      assert.deepEqual(response.body.schemas, [LIST_SCHEMA]);
      assert.equal(response.body.totalResults, 5);
      assert.equal(response.body.startIndex, 1);
      assert.deepEqual(names(response.body.Resources), ['alice', 'bob', 'carol', 'Builders', 'Admins']);
      for (const resource of response.body.Resources) {
        const type = resource.userName ? 'User' : 'Group';
        assert.deepEqual(resource.schemas, [type === 'User' ? USER_SCHEMA : GROUP_SCHEMA]);
        assert.equal(resource.meta.resourceType, type);
        assert.equal(resource.meta.location, `${server.baseUrl}/${type}s/${resource.id}`);
      }
      const builders = response.body.Resources.find((r: any) => r.displayName === 'Builders');
      assert.deepEqual(builders.members.map((m: any) => m.value), [users.alice]);
      const alice = response.body.Resources.find((r: any) => r.userName === 'alice');
      assert.deepEqual(alice.groups.map((g: any) => g.value), [groups.Builders]);
    });

    it('pages with startIndex and count across the boundary between Users and Groups', async () => {
      const pages = [];
      for (const startIndex of [1, 3, 5]) {
        const page = await search({ startIndex, count: 2 });
        assertStatus(page, 200);
        assert.equal(page.body.totalResults, 5);
        assert.equal(page.body.startIndex, startIndex);
        pages.push(names(page.body.Resources));
      }
      assert.deepEqual(pages, [['alice', 'bob'], ['carol', 'Builders'], ['Admins']]);
      const counted = await search({ count: 0 });
      assert.equal(counted.body.totalResults, 5);
      assert.deepEqual(counted.body.Resources, []);
      assert.deepEqual(names((await search({ startIndex: 9 })).body.Resources), []);
    });

    it('sorts both types by one attribute, in the database, across pages', async () => {
      const ascending = await search({ sortBy: 'displayName' });
      assert.deepEqual(names(ascending.body.Resources), ['Admins', 'alice', 'bob', 'Builders', 'carol']);
      const descending = await search({ sortBy: 'displayName', sortOrder: 'descending', startIndex: 2, count: 3 });
      assert.deepEqual(names(descending.body.Resources), ['Builders', 'bob', 'alice']);
      // Groups have no userName: they sort as having no value, after every user.
      const byUserName = await search({ sortBy: 'userName', sortOrder: 'descending' });
      assert.deepEqual(names(byUserName.body.Resources).slice(0, 3), ['carol', 'bob', 'alice']);
      assert.deepEqual(new Set(names(byUserName.body.Resources).slice(3)), new Set(['Builders', 'Admins']));
    });

    it('reads an attribute one type lacks as no value there (RFC 7644 §3.4.2), and refuses one no type has', async () => {
      assert.deepEqual(names((await search({ filter: 'userName sw "a" or userName sw "b"' })).body.Resources), ['alice', 'bob']);
      assert.deepEqual(names((await search({ filter: 'not (userName pr)' })).body.Resources), ['Builders', 'Admins']);
      assert.deepEqual(names((await search({ filter: 'displayName co "er"' })).body.Resources), ['alice', 'bob', 'Builders']);
      assert.deepEqual(names((await search({ filter: `members.value eq "${users.alice}"` })).body.Resources), ['Builders']);
      assert.deepEqual(names((await search({ filter: 'meta.resourceType eq "Group"' })).body.Resources), ['Builders', 'Admins']);
      assert.deepEqual(names((await search({ filter: `groups[value eq "${groups.Builders}"]` })).body.Resources), ['alice']);
      const unknown = await search({ filter: 'shoeSize gt 40' });
      assertScimError(unknown, 400, 'invalidFilter');
      assertScimError(await search({ filter: 'userName eq' }), 400, 'invalidFilter');
      assertScimError(await search({ sortBy: 'shoeSize' }), 400, 'invalidValue');
    });

    it('projects each resource by its own type: attributes one type lacks are skipped for it', async () => {
      const response = await search({ attributes: ['userName', 'members'], filter: 'userName eq "alice" or displayName eq "Builders"' });
      assertStatus(response, 200);
      const [alice, builders] = response.body.Resources;
      assert.deepEqual(Object.keys(alice).sort(), ['id', 'schemas', 'userName']);
      assert.deepEqual(Object.keys(builders).sort(), ['id', 'members', 'schemas']);
      assert.deepEqual(builders.schemas, [GROUP_SCHEMA]);
    });

    it('sees only the caller’s directory, and needs a credential', async () => {
      const theirs = await search({}, other);
      assert.equal(theirs.body.totalResults, 2);
      assert.deepEqual(names(theirs.body.Resources), ['alice', 'Admins']);
      assert.ok(theirs.body.Resources.every((r: any) => !Object.values(users).includes(r.id) && !Object.values(groups).includes(r.id)));
      const filtered = await search({ filter: 'displayName eq "Alice Elsewhere"' });
      assert.equal(filtered.body.totalResults, 0);
      assertScimError(await server.raw('POST', '/.search', { body: '{}', headers: { 'content-type': 'application/scim+json' } }), 401);
    });

    it('refuses a cursor, which pages one resource type, and a body that is not a SearchRequest object', async () => {
      assertScimError(await search({ cursor: '' }), 400, 'invalidValue');
      assertScimError(await dir.request('POST', '/.search', '[]'), 400);
    });
  });
}
