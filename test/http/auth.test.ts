import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateSecret } from '../../src/auth/secret-format.js';
import { createSecret } from '../../src/auth/secrets.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, BULK_REQUEST_SCHEMA, GROUP_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';
import { withLastCharacterChanged } from '../support/tampered.js';

/** A 401 with the SCIM error body and an RFC 6750 challenge; `invalid_token` when a token was sent. */
function assertUnauthorized(response: ScimResponse, tokenGiven: boolean): void {
  assertScimError(response, 401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer\b/, challenge);
  if (tokenGiven) assert.match(challenge, /error="invalid_token"/, challenge);
  else assert.doesNotMatch(challenge, /error=/, challenge);
}

for (const backend of BACKENDS) {
  describe(`authentication (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const usersWith = (authorization?: string) => server.raw('GET', '/Users', { headers: authorization === undefined ? {} : { authorization } });

    it('refuses a request without an Authorization header with 401 and a Bearer challenge', async () => {
      assertUnauthorized(await usersWith(), false);
    });

    it('refuses a non-Bearer scheme with 401', async () => {
      assertUnauthorized(await usersWith(`Basic ${Buffer.from(`user:${dir.secret}`).toString('base64')}`), false);
      assertUnauthorized(await usersWith('non-token'), false);
    });

    it('refuses an empty Bearer token with 401', async () => {
      assertUnauthorized(await usersWith('Bearer '), false);
    });

    it('refuses a malformed secret with 401 invalid_token', async () => {
      assertUnauthorized(await usersWith('Bearer not-a-scimd-secret'), true);
      // A real secret with one character changed fails its checksum.
      assertUnauthorized(await usersWith(`Bearer ${withLastCharacterChanged(dir.secret)}`), true);
      assertUnauthorized(await usersWith(`Bearer ${dir.secret}x`), true);
    });

    it('refuses a well-formed secret that was never issued with 401 invalid_token', async () => {
      assertUnauthorized(await usersWith(`Bearer ${generateSecret()}`), true);
    });

    it('accepts the Bearer scheme in any case', async () => {
      assertStatus(await usersWith(`bearer ${dir.secret}`), 200);
      assertStatus(await usersWith(`BEARER ${dir.secret}`), 200);
    });

    it('refuses an expired secret with 401 invalid_token once the clock passes its expiry', async () => {
      const { secret } = await createSecret(server.store, { directoryId: dir.id, scope: 'scim', name: 'short', lifetimeMs: 60_000, now: server.clock.now });
      const started = server.clock.now;
      try {
        assertStatus(await usersWith(`Bearer ${secret}`), 200);
        server.clock.now = new Date(started.getTime() + 59_000);
        assertStatus(await usersWith(`Bearer ${secret}`), 200);
        server.clock.now = new Date(started.getTime() + 60_001);
        const refused = await usersWith(`Bearer ${secret}`);
        assertUnauthorized(refused, true);
        assert.match(refused.body.detail, /expired/i);
        // The long-lived secret of the same directory still works at that time.
        assertStatus(await usersWith(`Bearer ${dir.secret}`), 200);
      } finally {
        server.clock.now = started;
      }
    });

    it('refuses a revoked secret on the very next request', async () => {
      const { record, secret } = await createSecret(server.store, { directoryId: dir.id, scope: 'scim', name: 'revoked', lifetimeMs: null, now: server.clock.now });
      assertStatus(await usersWith(`Bearer ${secret}`), 200);
      assert.equal(await server.store.revokeSecret(record.id, server.clock.now.toISOString()), true);
      const refused = await usersWith(`Bearer ${secret}`);
      assertUnauthorized(refused, true);
      assert.match(refused.body.detail, /revoked/i);
      assertStatus(await usersWith(`Bearer ${dir.secret}`), 200);
    });

    it('refuses an admin secret on SCIM routes with 403', async () => {
      const { secret } = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'admin', lifetimeMs: null, now: server.clock.now });
      assertScimError(await usersWith(`Bearer ${secret}`), 403);
    });

    it('refuses writes without a secret and stores nothing', async () => {
      const body = JSON.stringify({ schemas: [USER_SCHEMA], userName: 'no-secret-user' });
      assertUnauthorized(await server.raw('POST', '/Users', { body, headers: { 'content-type': 'application/scim+json' } }), false);
      assertUnauthorized(await server.raw('POST', '/Bulk', { body: '{}', headers: { 'content-type': 'application/scim+json' } }), false);
      assertUnauthorized(await server.raw('GET', '/Me'), false);
      const found = await dir.request('GET', `/Users?filter=${q('userName eq "no-secret-user"')}`);
      assert.equal(found.body.totalResults, 0);
    });

    it('refuses every resource route without a secret', async () => {
      const probes: [string, string][] = [
        ['GET', '/Groups'],
        ['GET', '/Users/some-id'],
        ['PUT', '/Users/some-id'],
        ['PATCH', '/Groups/some-id'],
        ['DELETE', '/Users/some-id'],
        ['POST', '/Users/.search'],
      ];
      for (const [method, path] of probes) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        const response = await server.raw(method, path, body === undefined ? {} : { body, headers: { 'content-type': 'application/scim+json' } });
        assertUnauthorized(response, false);
      }
    });

    it('serves discovery endpoints without a secret', async () => {
      const config = await server.raw('GET', '/ServiceProviderConfig');
      assertStatus(config, 200);
      assert.match(config.headers.get('content-type') ?? '', /^application\/scim\+json/);
      assert.equal(config.body.patch.supported, true);
      const schemas = await server.raw('GET', '/Schemas');
      assertStatus(schemas, 200);
      assert.ok(schemas.body.Resources.some((s: { id: string }) => s.id === USER_SCHEMA));
      assertStatus(await server.raw('GET', `/Schemas/${USER_SCHEMA}`), 200);
      const types = await server.raw('GET', '/ResourceTypes');
      assertStatus(types, 200);
      assert.deepEqual(types.body.Resources.map((t: { id: string }) => t.id).sort(), ['Group', 'User']);
      assertStatus(await server.raw('GET', '/ResourceTypes/Group'), 200);
    });
  });

  describe(`tenant isolation (${backend})`, () => {
    let server: TestServer;
    let a: TestDirectory;
    let b: TestDirectory;
    let userA: { id: string };
    let groupA: { id: string };
    let userB: { id: string };
    let groupB: { id: string };
    before(async () => {
      server = await startTestServer(backend);
      a = await server.createDirectory('tenant-a');
      b = await server.createDirectory('tenant-b');
      const ua = await a.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'shared@example.com', externalId: 'ext-a', name: { givenName: 'Alice' } });
      assertStatus(ua, 201);
      userA = ua.body;
      const ga = await a.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: userA.id }] });
      assertStatus(ga, 201);
      groupA = ga.body;
      const ub = await b.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'only-b@example.com' });
      assertStatus(ub, 201);
      userB = ub.body;
      const gb = await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'B team' });
      assertStatus(gb, 201);
      groupB = gb.body;
    });
    after(() => server.close());

    const expectUntouched = async () => {
      const user = await a.request('GET', `/Users/${userA.id}`);
      assertStatus(user, 200);
      assert.equal(user.body.userName, 'shared@example.com');
      assert.equal(user.body.name.givenName, 'Alice');
      assert.equal(user.body.meta.version, 'W/"1"');
      const group = await a.request('GET', `/Groups/${groupA.id}`);
      assertStatus(group, 200);
      assert.equal(group.body.displayName, 'Engineering');
      assert.deepEqual(group.body.members.map((m: { value: string }) => m.value), [userA.id]);
    };

    it('lets the same userName and displayName exist in two directories', async () => {
      const user = await b.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'SHARED@example.com' });
      assertStatus(user, 201);
      assert.notEqual(user.body.id, userA.id);
      const group = await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering' });
      assertStatus(group, 201);
      const inB = await b.request('GET', `/Users?filter=${q('userName eq "shared@example.com"')}`);
      assert.deepEqual(inB.body.Resources.map((r: { id: string }) => r.id), [user.body.id]);
      const inA = await a.request('GET', `/Users?filter=${q('userName eq "shared@example.com"')}`);
      assert.deepEqual(inA.body.Resources.map((r: { id: string }) => r.id), [userA.id]);
      assertStatus(await b.request('DELETE', `/Users/${user.body.id}`), 204);
      assertStatus(await b.request('DELETE', `/Groups/${group.body.id}`), 204);
    });

    it("answers 404 to GET of another directory's user or group", async () => {
      assertScimError(await b.request('GET', `/Users/${userA.id}`), 404);
      assertScimError(await b.request('GET', `/Groups/${groupA.id}`), 404);
      // The type in the path is checked too: a group id is not found under /Users.
      assertScimError(await a.request('GET', `/Users/${groupA.id}`), 404);
    });

    it("answers 404 to PUT, PATCH and DELETE of another directory's resources and changes nothing", async () => {
      assertScimError(await b.request('PUT', `/Users/${userA.id}`, { schemas: [USER_SCHEMA], userName: 'stolen@example.com' }), 404);
      assertScimError(await b.request('PUT', `/Groups/${groupA.id}`, { schemas: [GROUP_SCHEMA], displayName: 'Stolen', members: [] }), 404);
      assertScimError(await b.request('PATCH', `/Users/${userA.id}`, patchOp({ op: 'replace', path: 'name.givenName', value: 'Mallory' })), 404);
      assertScimError(await b.request('PATCH', `/Groups/${groupA.id}`, patchOp({ op: 'remove', path: 'members' })), 404);
      assertScimError(await b.request('PATCH', `/Groups/${groupA.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: userB.id }] })), 404);
      assertScimError(await b.request('DELETE', `/Users/${userA.id}`), 404);
      assertScimError(await b.request('DELETE', `/Groups/${groupA.id}`), 404);
      await expectUntouched();
    });

    it("never returns another directory's resources from filters, lists or searches", async () => {
      const filters = [
        `id eq "${userA.id}"`,
        'userName eq "shared@example.com"',
        'externalId eq "ext-a"',
        'name.givenName eq "Alice"',
        'userName pr',
      ];
      for (const filter of filters) {
        const response = await b.request('GET', `/Users?filter=${q(filter)}`);
        assertStatus(response, 200);
        assert.ok(!response.body.Resources.some((r: { id: string }) => r.id === userA.id), filter);
      }
      const list = await b.request('GET', '/Users?count=1000');
      assert.ok(list.body.Resources.every((r: { id: string }) => r.id !== userA.id));
      assert.equal(list.body.totalResults, list.body.Resources.length);
      const groups = await b.request('GET', `/Groups?filter=${q('displayName eq "Engineering"')}`);
      assert.equal(groups.body.totalResults, 0);
      const byMember = await b.request('GET', `/Groups?filter=${q(`members.value eq "${userA.id}"`)}`);
      assert.equal(byMember.body.totalResults, 0);
      const search = await b.request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `id eq "${userA.id}"` });
      assertStatus(search, 200);
      assert.equal(search.body.totalResults, 0);
      const groupSearch = await b.request('POST', '/Groups/.search', { filter: `id eq "${groupA.id}"` });
      assert.equal(groupSearch.body.totalResults, 0);
      const cursor = await b.request('GET', '/Users?cursor=&count=1000');
      assert.ok(cursor.body.Resources.every((r: { id: string }) => r.id !== userA.id));
    });

    it("refuses another directory's user as a group member with 400", async () => {
      const created = await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Infiltrators', members: [{ value: userA.id }] });
      assertScimError(created, 400, 'invalidValue');
      assert.ok(created.body.detail.includes(userA.id), created.body.detail);
      const patched = await b.request('PATCH', `/Groups/${groupB.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: userA.id }] }));
      assertScimError(patched, 400, 'invalidValue');
      const replaced = await b.request('PUT', `/Groups/${groupB.id}`, { schemas: [GROUP_SCHEMA], displayName: 'B team', members: [{ value: userA.id }] });
      assertScimError(replaced, 400, 'invalidValue');
      const group = await b.request('GET', `/Groups/${groupB.id}`);
      assert.deepEqual(group.body.members ?? [], []);
      const none = await b.request('GET', `/Groups?filter=${q('displayName eq "Infiltrators"')}`);
      assert.equal(none.body.totalResults, 0);
      // A's user does not gain a group either.
      const user = await a.request('GET', `/Users/${userA.id}`);
      assert.deepEqual(user.body.groups.map((g: { value: string }) => g.value), [groupA.id]);
    });

    it("cannot reach another directory's resources through Bulk", async () => {
      const response = await b.request('POST', '/Bulk', {
        schemas: [BULK_REQUEST_SCHEMA],
        Operations: [
          { method: 'PUT', path: `/Users/${userA.id}`, data: { schemas: [USER_SCHEMA], userName: 'bulk-stolen' } },
          { method: 'PATCH', path: `/Users/${userA.id}`, data: patchOp({ op: 'replace', path: 'active', value: false }) },
          { method: 'PATCH', path: `/Groups/${groupB.id}`, data: patchOp({ op: 'add', path: 'members', value: [{ value: userA.id }] }) },
          { method: 'DELETE', path: `/Groups/${groupA.id}` },
          { method: 'DELETE', path: `/Users/${userA.id}` },
        ],
      });
      assertStatus(response, 200);
      assert.deepEqual(
        response.body.Operations.map((op: { status: string }) => op.status),
        ['404', '404', '400', '404', '404'],
      );
      await expectUntouched();
    });
  });
}
