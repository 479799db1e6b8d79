import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, ENTERPRISE_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';

const CUSTOM_EXTENSION = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const ACME_EXTENSION = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

function assertScimMediaType(response: ScimResponse): void {
  assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json(;|$)/, `${response.status} ${response.headers.get('content-type')}`);
}

for (const backend of BACKENDS) {
  describe(`Users CRUD (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    it('POST creates a user: 201 with id, Location, ETag and full meta', async () => {
      const response = await dir.request('POST', '/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        userName: 'ada@example.com',
        externalId: 'ext-ada',
        name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
        active: true,
        [ENTERPRISE_SCHEMA]: { department: 'Analytics', employeeNumber: '1815' },
      });
      assertStatus(response, 201);
      assertScimMediaType(response);
      const user = response.body;
      assert.equal(typeof user.id, 'string');
      assert.ok(user.id.length > 0);
      assert.deepEqual(user.schemas, [USER_SCHEMA, ENTERPRISE_SCHEMA]);
      assert.equal(user.userName, 'ada@example.com');
      assert.equal(user.externalId, 'ext-ada');
      assert.deepEqual(user.name, { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' });
      assert.deepEqual(user.emails, [{ value: 'ada@example.com', type: 'work', primary: true }]);
      assert.equal(user.active, true);
      assert.deepEqual(user[ENTERPRISE_SCHEMA], { department: 'Analytics', employeeNumber: '1815' });
      assert.equal(user.meta.resourceType, 'User');
      assert.equal(user.meta.created, server.clock.now.toISOString());
      assert.equal(user.meta.lastModified, user.meta.created);
      assert.equal(user.meta.location, `${server.baseUrl}/Users/${user.id}`);
      assert.match(user.meta.version, /^W\/".+"$/);
      assert.equal(response.headers.get('location'), user.meta.location);
      assert.equal(response.headers.get('etag'), user.meta.version);
    });

    it('GET by id returns the same representation the POST returned', async () => {
      const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'grace@example.com', title: 'Rear Admiral' });
      assertStatus(created, 201);
      const fetched = await dir.request('GET', `/Users/${created.body.id}`);
      assertStatus(fetched, 200);
      assertScimMediaType(fetched);
      assert.deepEqual(fetched.body, created.body);
      assert.equal(fetched.headers.get('etag'), created.body.meta.version);
    });

    it('POST keeps attributes of unknown extension URNs, listed in schemas or not, and returns them', async () => {
      const response = await dir.request('POST', '/Users', {
        schemas: [USER_SCHEMA, CUSTOM_EXTENSION],
        userName: 'ext-user@example.com',
        [CUSTOM_EXTENSION]: { costCode: 'CC-7', flags: { remote: true } },
        // Entra sends custom extension attributes URN-qualified without listing the schema.
        [`${ACME_EXTENSION}:badge`]: 'B-42',
      });
      assertStatus(response, 201);
      assert.deepEqual(response.body[CUSTOM_EXTENSION], { costCode: 'CC-7', flags: { remote: true } });
      assert.deepEqual(response.body[ACME_EXTENSION], { badge: 'B-42' });
      assert.ok(response.body.schemas.includes(CUSTOM_EXTENSION));
      assert.ok(response.body.schemas.includes(ACME_EXTENSION));
      const fetched = await dir.request('GET', `/Users/${response.body.id}`);
      assert.deepEqual(fetched.body[CUSTOM_EXTENSION], { costCode: 'CC-7', flags: { remote: true } });
      assert.deepEqual(fetched.body[ACME_EXTENSION], { badge: 'B-42' });
      const found = await dir.request('GET', `/Users?filter=${q(`${ACME_EXTENSION}:badge eq "B-42"`)}`);
      assertStatus(found, 200);
      assert.deepEqual(found.body.Resources.map((r: { id: string }) => r.id), [response.body.id]);
    });

    it('POST ignores nulls, a mistyped schema URN and read-only attributes, as Entra sends them', async () => {
      const response = await dir.request('POST', '/Users', {
        schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
        userName: 'nulls@example.com',
        title: null,
        addresses: null,
        phoneNumbers: null,
        name: { givenName: 'Null', familyName: null },
        [ENTERPRISE_SCHEMA]: { department: null, manager: null, costCenter: 'CC1' },
        groups: [],
        roles: [],
        meta: { resourceType: 'User', created: '2001-01-01T00:00:00Z' },
        id: 'client-chosen-id',
      });
      assertStatus(response, 201);
      const user = response.body;
      assert.notEqual(user.id, 'client-chosen-id');
      for (const absent of ['title', 'addresses', 'phoneNumbers', 'roles']) assert.equal(absent in user, false, absent);
      assert.deepEqual(user.name, { givenName: 'Null' });
      assert.deepEqual(user[ENTERPRISE_SCHEMA], { costCenter: 'CC1' });
      assert.notEqual(user.meta.created, '2001-01-01T00:00:00Z');
      assert.doesNotMatch(response.text, /:\s*null\b/);
    });

    it('POST turns Entra\'s "True"/"False" strings into booleans', async () => {
      const yes = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'true-string@example.com', active: 'True' });
      assertStatus(yes, 201);
      assert.equal(yes.body.active, true);
      const no = await dir.request('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'false-string@example.com',
        active: 'False',
        emails: [{ value: 'f@example.com', primary: 'true' }],
      });
      assertStatus(no, 201);
      assert.equal(no.body.active, false);
      assert.equal(no.body.emails[0].primary, true);
      const filtered = await dir.request('GET', `/Users?filter=${q('active eq false and userName eq "false-string@example.com"')}`);
      assert.equal(filtered.body.totalResults, 1);
    });

    it('POST refuses a value of the wrong type with 400 invalidValue', async () => {
      assertScimError(await dir.request('POST', '/Users', { userName: 'bad-bool@example.com', active: 'yes' }), 400, 'invalidValue');
      assertScimError(await dir.request('POST', '/Users', { userName: 'bad-name@example.com', name: 'Just A String' }), 400, 'invalidValue');
      assertScimError(await dir.request('POST', '/Users', { userName: { first: 'x' } }), 400, 'invalidValue');
      const none = await dir.request('GET', `/Users?filter=${q('userName sw "bad-"')}`);
      assert.equal(none.body.totalResults, 0);
    });

    it('POST without userName is 400 invalidValue', async () => {
      assertScimError(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], name: { givenName: 'Anon' } }), 400, 'invalidValue');
      assertScimError(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: '   ' }), 400, 'invalidValue');
    });

    it('POST never returns the password, and accepts it (Okta sends one)', async () => {
      const response = await dir.request('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'okta.user@example.com',
        password: 'hunter2!',
        name: { givenName: 'Okta', familyName: 'User' },
        emails: [{ primary: true, value: 'okta.user@example.com', type: 'work' }],
        displayName: 'Okta User',
        locale: 'en-US',
        externalId: '00u1abcd',
        groups: [],
        active: true,
      });
      assertStatus(response, 201);
      assert.equal(response.text.includes('hunter2'), false);
      assert.equal('password' in response.body, false);
      const fetched = await dir.request('GET', `/Users/${response.body.id}`);
      assert.equal(fetched.text.includes('hunter2'), false);
      assert.deepEqual(fetched.body.groups ?? [], []);
    });

    it('GET of an unknown id is 404 with an Error body naming the id', async () => {
      const response = await dir.request('GET', '/Users/010101001010101011001010101011');
      assertScimError(response, 404);
      assert.match(response.body.detail, /010101001010101011001010101011/);
    });

    it('PUT replaces the whole user: omitted attributes are removed and the version moves', async () => {
      const created = await dir.request('POST', '/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        userName: 'put-me@example.com',
        title: 'Engineer',
        nickName: 'Putty',
        emails: [{ value: 'put@example.com', type: 'work' }],
        [ENTERPRISE_SCHEMA]: { department: 'R&D' },
      });
      assertStatus(created, 201);
      const id = created.body.id;
      const before = server.clock.now;
      server.clock.now = new Date(before.getTime() + 5_000);
      try {
        const replaced = await dir.request('PUT', `/Users/${id}`, {
          schemas: [USER_SCHEMA],
          id,
          userName: 'Put-Me@example.com',
          title: 'Staff Engineer',
          active: false,
        });
        assertStatus(replaced, 200);
        assertScimMediaType(replaced);
        const user = replaced.body;
        assert.equal(user.id, id);
        assert.equal(user.userName, 'Put-Me@example.com');
        assert.equal(user.title, 'Staff Engineer');
        assert.equal(user.active, false);
        for (const gone of ['nickName', 'emails', ENTERPRISE_SCHEMA]) assert.equal(gone in user, false, gone);
        assert.deepEqual(user.schemas, [USER_SCHEMA]);
        assert.equal(user.meta.created, created.body.meta.created);
        assert.equal(user.meta.lastModified, server.clock.now.toISOString());
        assert.notEqual(user.meta.version, created.body.meta.version);
        assert.equal(replaced.headers.get('etag'), user.meta.version);
        const fetched = await dir.request('GET', `/Users/${id}`);
        assert.deepEqual(fetched.body, user);
      } finally {
        server.clock.now = before;
      }
    });

    it('PUT without userName is 400 invalidValue and changes nothing', async () => {
      const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'keep-name@example.com', title: 'Kept' });
      const response = await dir.request('PUT', `/Users/${created.body.id}`, { schemas: [USER_SCHEMA], title: 'Lost' });
      assertScimError(response, 400, 'invalidValue');
      const fetched = await dir.request('GET', `/Users/${created.body.id}`);
      assert.deepEqual(fetched.body, created.body);
    });

    it('PUT of an unknown id is 404', async () => {
      assertScimError(await dir.request('PUT', '/Users/no-such-user', { schemas: [USER_SCHEMA], userName: 'ghost@example.com' }), 404);
      const none = await dir.request('GET', `/Users?filter=${q('userName eq "ghost@example.com"')}`);
      assert.equal(none.body.totalResults, 0);
    });

    it('DELETE answers 204, then the user is 404 to GET, PUT, PATCH and DELETE', async () => {
      const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'doomed@example.com' });
      const id = created.body.id;
      const deleted = await dir.request('DELETE', `/Users/${id}`);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.text, '');
      assertScimError(await dir.request('GET', `/Users/${id}`), 404);
      assertScimError(await dir.request('PUT', `/Users/${id}`, { userName: 'doomed@example.com' }), 404);
      assertScimError(await dir.request('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'x' })), 404);
      assertScimError(await dir.request('DELETE', `/Users/${id}`), 404);
      const none = await dir.request('GET', `/Users?filter=${q('userName eq "doomed@example.com"')}`);
      assert.equal(none.body.totalResults, 0);
      // The name is free again.
      assertStatus(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'doomed@example.com' }), 201);
    });

    it('a duplicate userName, in any case, is 409 uniqueness', async () => {
      assertStatus(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'Unique.Person@Example.com' }), 201);
      for (const userName of ['Unique.Person@Example.com', 'unique.person@example.com', 'UNIQUE.PERSON@EXAMPLE.COM']) {
        assertScimError(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName }), 409, 'uniqueness');
      }
      const found = await dir.request('GET', `/Users?filter=${q('userName eq "unique.person@example.com"')}`);
      assert.equal(found.body.totalResults, 1);
    });

    it('renaming onto a taken userName by PUT or PATCH is 409 uniqueness and changes nothing', async () => {
      assertStatus(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'taken@example.com' }), 201);
      const other = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'mover@example.com' });
      assertScimError(await dir.request('PUT', `/Users/${other.body.id}`, { schemas: [USER_SCHEMA], userName: 'TAKEN@example.com' }), 409, 'uniqueness');
      assertScimError(await dir.request('PATCH', `/Users/${other.body.id}`, patchOp({ op: 'replace', path: 'userName', value: 'Taken@Example.com' })), 409, 'uniqueness');
      const fetched = await dir.request('GET', `/Users/${other.body.id}`);
      assert.deepEqual(fetched.body, other.body);
    });

    it('20 concurrent POSTs of one userName give exactly one 201 and 409 uniqueness for the rest', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: i % 2 ? 'race@example.com' : 'RACE@example.com', title: `racer ${i}` })),
      );
      const statuses = responses.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
      for (const response of responses.filter((r) => r.status !== 201)) assertScimError(response, 409, 'uniqueness');
      const found = await dir.request('GET', `/Users?filter=${q('userName eq "race@example.com"')}`);
      assert.equal(found.body.totalResults, 1);
    });

    it('answers application/scim+json on every response with a body', async () => {
      const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'media@example.com' });
      const id = created.body.id;
      const responses = [
        created,
        await dir.request('GET', `/Users/${id}`),
        await dir.request('GET', '/Users'),
        await dir.request('GET', `/Users?filter=${q('userName eq "media@example.com"')}`),
        await dir.request('POST', '/Users/.search', { filter: 'userName eq "media@example.com"' }),
        await dir.request('PUT', `/Users/${id}`, { userName: 'media@example.com', title: 'x' }),
        await dir.request('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'y' })),
        await dir.request('POST', '/Users', { userName: 'media@example.com' }),
        await dir.request('GET', '/Users/nope'),
        await dir.request('GET', `/Users?filter=${q('userName eq')}`),
        await dir.request('POST', '/Users', '{not json', { 'content-type': 'application/json' }),
        await server.raw('GET', '/Users'),
        await server.raw('GET', '/ServiceProviderConfig'),
        await dir.request('GET', '/NoSuchEndpoint'),
      ];
      for (const response of responses) {
        assert.ok(response.text.length > 0, `${response.status} has a body`);
        assertScimMediaType(response);
      }
    });

    it('accepts application/json request bodies (Okta) as well as application/scim+json', async () => {
      const response = await dir.request('POST', '/Users', { userName: 'plain-json@example.com' }, { 'content-type': 'application/json; charset=utf-8' });
      assertStatus(response, 201);
      assertScimMediaType(response);
      const scim = await dir.request('POST', '/Users', { userName: 'scim-json@example.com' }, { 'content-type': 'application/scim+json; charset=utf-8' });
      assertStatus(scim, 201);
    });
  });
}
