import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DAY = 86_400_000;

for (const backend of BACKENDS) {
  describe(`admin API: credentials, directories, secrets, audit (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let adminSecret: string;
    let adminSecretId: string;
    before(async () => {
      server = await startTestServer(backend);
      ({ call, secret: adminSecret, secretId: adminSecretId } = await adminApi(server));
    });
    after(() => server.close());

    /** A directory made through the API, with its limit raised so tests can add secrets freely. */
    async function directory(name: string, settings: object = {}): Promise<{ id: string; name: string }> {
      const response = await call('POST', '/directories', { name, settings });
      assertOk(response, 201);
      return response.body;
    }

    describe('credentials', () => {
      it('refuses a request without a secret with 401, a problem body and a Bearer challenge', async () => {
        const response = await call('GET', '/directories', undefined, null);
        assertProblem(response, 401);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="scimd admin"$/);
      });

      it('refuses an unknown or malformed secret with 401 invalid_token', async () => {
        for (const bad of ['nonsense', 'scimd_' + 'a'.repeat(49), 'x'.repeat(40)]) {
          const response = await call('GET', '/directories', undefined, bad);
          assertProblem(response, 401);
          assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
        }
      });

      it('refuses a directory client secret with 403 on every admin route, and changes nothing', async () => {
        const dir = await server.createDirectory();
        const before = (await call('GET', '/directories')).body.directories.length;
        const routes: [string, string, unknown?][] = [
          ['GET', '/directories'],
          ['POST', '/directories', { name: 'sneaky' }],
          ['GET', `/directories/${dir.id}/secrets`],
          ['POST', `/directories/${dir.id}/secrets`, {}],
          ['GET', '/status'],
          ['GET', '/audit'],
          ['GET', '/admin/secrets'],
          ['POST', '/admin/secrets', {}],
        ];
        for (const [method, path, body] of routes) {
          const response = await call(method, path, body, dir.secret);
          assertProblem(response, 403);
          assert.match(response.headers.get('www-authenticate') ?? '', /insufficient_scope/);
        }
        assert.equal((await call('GET', '/directories')).body.directories.length, before);
        assert.equal((await call('GET', `/directories/${dir.id}/secrets`)).body.secrets.length, 1);
      });

      it('refuses an expired and a revoked admin secret with 401', async () => {
        const expiring = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'short', lifetimeMs: DAY, now: server.clock.now });
        assertOk(await call('GET', '/status', undefined, expiring.secret));
        server.clock.now = new Date(server.clock.now.getTime() + 2 * DAY);
        try {
          assertProblem(await call('GET', '/status', undefined, expiring.secret), 401);
        } finally {
          server.clock.now = new Date(server.clock.now.getTime() - 2 * DAY);
        }
        assertOk(await call('DELETE', `/admin/secrets/${expiring.record.id}`));
        const revoked = await call('POST', '/admin/secrets', { name: 'to revoke' });
        assertOk(revoked, 201);
        assertOk(await call('GET', '/status', undefined, revoked.body.secret));
        assertOk(await call('DELETE', `/admin/secrets/${revoked.body.id}`));
        assertProblem(await call('GET', '/status', undefined, revoked.body.secret), 401);
      });

      it('records the last use of an admin secret', async () => {
        const listed = (await call('GET', '/admin/secrets')).body.secrets as any[];
        const mine = listed.find((s) => s.id === adminSecretId);
        assert.ok(mine.lastUsedAt, 'last used time');
        assert.equal(mine.lastUsedIp, '127.0.0.1');
      });
    });

    describe('directories', () => {
      it('POST /directories creates one: 201, Location, the tenant URL and default settings', async () => {
        const response = await call('POST', '/directories', { name: 'acme' });
        assertOk(response, 201);
        assert.equal(response.headers.get('location'), `/api/v1/directories/${response.body.id}`);
        assert.match(response.body.id, /^dir_\w{13}$/);
        assert.equal(response.body.name, 'acme');
        assert.equal(response.body.scimUrl, server.baseUrl);
        assert.deepEqual(response.body.settings, { maxActiveSecrets: 2, defaultSecretLifetime: '365d', allowSelfRotation: true, autoRevokeGraceHours: null });
        assert.equal(response.headers.get('cache-control'), 'no-store');
      });

      it('refuses a taken name (any case), an empty name, a missing name and unknown fields', async () => {
        assertProblem(await call('POST', '/directories', { name: 'ACME' }), 409, 'name-taken');
        assertProblem(await call('POST', '/directories', { name: '  ' }), 400, 'invalid-input');
        assertProblem(await call('POST', '/directories', {}), 400, 'invalid-input');
        assertProblem(await call('POST', '/directories', { name: 'x', colour: 'red' }), 400, 'invalid-input');
        assertProblem(await call('POST', '/directories', { name: 42 }), 400, 'invalid-input');
        assertProblem(await call('POST', '/directories', { name: 'bad\u0007bell' }), 400, 'invalid-input');
      });

      it('refuses bodies that are not JSON objects with 400 or 415 problems, never 500', async () => {
        assertProblem(await call('POST', '/directories', '{"name":'), 400);
        assertProblem(await call('POST', '/directories', '[1,2]'), 400);
        const text = await server.raw('POST', `${server.origin}/api/v1/directories`, {
          body: 'name=acme',
          headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'text/plain' },
        });
        assertProblem(text, 415);
      });

      it('GET /directories/{directory} takes an id or a name and counts users, groups and active secrets', async () => {
        const dir = await directory('initech');
        const byName = await call('GET', '/directories/INITECH');
        assertOk(byName);
        assert.equal(byName.body.id, dir.id);
        assert.deepEqual([byName.body.users, byName.body.groups, byName.body.activeSecrets], [0, 0, 0]);
        assert.equal((await call('GET', `/directories/${dir.id}`)).body.name, 'initech');
        assertProblem(await call('GET', '/directories/nope'), 404, 'not-found');
      });

      it('GET /directories lists every directory with its tenant URL', async () => {
        const response = await call('GET', '/directories');
        assertOk(response);
        const names = response.body.directories.map((d: any) => d.name);
        assert.ok(names.includes('acme') && names.includes('initech'));
        assert.ok(response.body.directories.every((d: any) => d.scimUrl === server.baseUrl));
      });

      it('PATCH /directories/{directory} renames; the id stays and a taken name is refused', async () => {
        const dir = await directory('globex');
        const renamed = await call('PATCH', `/directories/${dir.id}`, { name: 'Globex Corp' });
        assertOk(renamed);
        assert.equal(renamed.body.name, 'Globex Corp');
        assert.equal(renamed.body.id, dir.id);
        assert.equal((await call('GET', '/directories/globex%20corp')).body.id, dir.id);
        assertProblem(await call('PATCH', `/directories/${dir.id}`, { name: 'acme' }), 409, 'name-taken');
        assertProblem(await call('PATCH', `/directories/${dir.id}`, { settings: {} }), 400, 'invalid-input');
      });

      it('settings: read, change, reset with null; bad values are refused', async () => {
        const dir = await directory('settings-co');
        const path = `/directories/${dir.id}/settings`;
        const changed = await call('PATCH', path, { maxActiveSecrets: 3, defaultSecretLifetime: '90d', allowSelfRotation: false, autoRevokeGraceHours: 24 });
        assertOk(changed);
        assert.deepEqual(changed.body, { maxActiveSecrets: 3, defaultSecretLifetime: '90d', allowSelfRotation: false, autoRevokeGraceHours: 24 });
        assert.deepEqual((await call('GET', path)).body, changed.body);
        assert.equal((await call('PATCH', path, { defaultSecretLifetime: 'never' })).body.defaultSecretLifetime, 'never');
        const reset = await call('PATCH', path, { maxActiveSecrets: null, defaultSecretLifetime: null, allowSelfRotation: null, autoRevokeGraceHours: null });
        assert.deepEqual(reset.body, { maxActiveSecrets: 2, defaultSecretLifetime: '365d', allowSelfRotation: true, autoRevokeGraceHours: null });
        for (const bad of [{ maxActiveSecrets: 0 }, { maxActiveSecrets: 1.5 }, { maxActiveSecrets: 11 }, { maxActiveSecrets: '3' }, { defaultSecretLifetime: 'soon' }, { autoRevokeGraceHours: -1 }, { allowSelfRotation: 'yes' }, { colour: 1 }]) {
          assertProblem(await call('PATCH', path, bad), 400, 'invalid-input');
        }
        assert.deepEqual((await call('GET', path)).body, reset.body, 'a refused change changes nothing');
      });

      it('DELETE needs the name repeated; the refusal says what would be lost; then everything is gone', async () => {
        const dir = await directory('doomed');
        const secret = await call('POST', `/directories/${dir.id}/secrets`, { name: 'entra' });
        const scim = (path: string, init: { method?: string; body?: unknown } = {}) =>
          server.raw(init.method ?? 'GET', path, {
            headers: { authorization: `Bearer ${secret.body.secret}`, 'content-type': 'application/scim+json' },
            ...(init.body ? { body: JSON.stringify(init.body) } : {}),
          });
        assert.equal((await scim('/Users', { method: 'POST', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@doomed.test' } })).status, 201);

        const refused = await call('DELETE', `/directories/${dir.id}`);
        assertProblem(refused, 400, 'confirmation-required');
        assert.match(refused.body.detail, /1 user, 0 groups/);
        assert.match(refused.body.detail, /confirm=doomed/);
        assertProblem(await call('DELETE', `/directories/${dir.id}?confirm=DOOMED`), 400, 'confirmation-required');
        assertOk(await call('GET', `/directories/${dir.id}`));

        const deleted = await call('DELETE', `/directories/${dir.id}?confirm=doomed`);
        assertOk(deleted);
        assert.deepEqual(deleted.body, { id: dir.id, name: 'doomed' });
        assertProblem(await call('GET', `/directories/${dir.id}`), 404);
        assert.equal((await scim('/Users')).status, 401, "the directory's secrets are gone with it");
        assertProblem(await call('DELETE', `/directories/${dir.id}?confirm=doomed`), 404);
      });
    });

    describe('directory secrets', () => {
      it('POST .../secrets shows the secret once, with name, suffix and the default lifetime', async () => {
        const dir = await directory('secrets-co');
        const response = await call('POST', `/directories/${dir.id}/secrets`, { name: 'Entra' });
        assertOk(response, 201);
        assert.match(response.body.secret, /^scimd_[0-9A-Za-z]{49}$/);
        assert.equal(response.body.suffix, response.body.secret.slice(-4));
        assert.equal(response.body.name, 'Entra');
        assert.equal(response.body.state, 'active');
        assert.equal(Date.parse(response.body.expiresAt) - Date.parse(response.body.created), 365 * DAY);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        const listed = (await call('GET', `/directories/${dir.id}/secrets`)).body.secrets;
        assert.equal(listed.length, 1);
        assert.doesNotMatch(JSON.stringify(listed), /scimd_[0-9A-Za-z]{20,}|"hash"/, 'a list never shows a secret or its hash');
        assert.equal((await call('GET', `/secrets/${response.body.id}`)).body.name, 'Entra');
      });

      it("the lifetime comes from expiresIn, else the directory's default; a bad one is refused", async () => {
        const dir = await directory('lifetime-co', { defaultSecretLifetime: '30d', maxActiveSecrets: 5 });
        const byDefault = await call('POST', `/directories/${dir.id}/secrets`, {});
        assert.equal(Date.parse(byDefault.body.expiresAt) - Date.parse(byDefault.body.created), 30 * DAY);
        assert.equal(byDefault.body.state, 'expiring', 'inside the 60-day warning window from the start');
        const explicit = await call('POST', `/directories/${dir.id}/secrets`, { expiresIn: 'never' });
        assert.equal(explicit.body.expiresAt, null);
        assert.equal(explicit.body.daysLeft, null);
        assertProblem(await call('POST', `/directories/${dir.id}/secrets`, { expiresIn: '5x' }), 400, 'invalid-input');
        assertProblem(await call('POST', `/directories/${dir.id}/secrets`, { expiresIn: 90 }), 400, 'invalid-input');
        assertProblem(await call('POST', `/directories/${dir.id}/secrets`, { expiresIn: '99999999d' }), 400, 'invalid-input');
      });

      it('a third active secret is refused with a message naming the two; an expired or revoked one does not count', async () => {
        const dir = await directory('limit-co');
        const first = await call('POST', `/directories/${dir.id}/secrets`, { name: 'old', expiresIn: '10d' });
        const second = await call('POST', `/directories/${dir.id}/secrets`, { name: 'new' });
        const third = await call('POST', `/directories/${dir.id}/secrets`, { name: 'third' });
        assertProblem(third, 409, 'active-secret-limit');
        assert.match(third.body.detail, /already has 2 active client secrets/);
        assert.ok(third.body.detail.includes(first.body.id) && third.body.detail.includes(second.body.id));
        assert.equal((await call('GET', `/directories/${dir.id}/secrets`)).body.secrets.length, 2, 'nothing was created');

        server.clock.now = new Date(server.clock.now.getTime() + 11 * DAY);
        try {
          const afterExpiry = await call('POST', `/directories/${dir.id}/secrets`, { name: 'after expiry' });
          assertOk(afterExpiry, 201);
          const states = Object.fromEntries((await call('GET', `/directories/${dir.id}/secrets`)).body.secrets.map((s: any) => [s.name, s.state]));
          assert.deepEqual(states, { old: 'expired', new: 'active', 'after expiry': 'active' });
          assertProblem(await call('POST', `/directories/${dir.id}/secrets`, {}), 409, 'active-secret-limit');
          assertOk(await call('DELETE', `/directories/${dir.id}/secrets/${afterExpiry.body.id}`));
          assertOk(await call('POST', `/directories/${dir.id}/secrets`, {}), 201);
        } finally {
          server.clock.now = new Date(server.clock.now.getTime() - 11 * DAY);
        }
      });

      it('lists last use (time, IP, User-Agent) once a SCIM request used the secret', async () => {
        const dir = await directory('usage-co');
        const secret = await call('POST', `/directories/${dir.id}/secrets`, {});
        const scim = await server.raw('GET', '/Users', { headers: { authorization: `Bearer ${secret.body.secret}`, 'user-agent': 'Microsoft.Identity.Provisioning/1.0' } });
        assert.equal(scim.status, 200);
        await server.app.lifecycle.flush();
        const [listed] = (await call('GET', `/directories/${dir.id}/secrets`)).body.secrets;
        assert.equal(listed.lastUsedIp, '127.0.0.1');
        assert.equal(listed.lastUsedUserAgent, 'Microsoft.Identity.Provisioning/1.0');
        assert.equal(listed.lastUsedAt, server.clock.now.toISOString());
        assert.equal(listed.firstUsedAt, server.clock.now.toISOString());
      });

      it('revoking the last active secret needs ?force=true and says what breaks; revocation holds from the next request', async () => {
        const dir = await directory('revoke-co');
        const only = await call('POST', `/directories/${dir.id}/secrets`, { name: 'only' });
        const scim = () => server.raw('GET', '/Users', { headers: { authorization: `Bearer ${only.body.secret}` } });
        assert.equal((await scim()).status, 200);

        const refused = await call('DELETE', `/directories/${dir.id}/secrets/${only.body.id}`);
        assertProblem(refused, 409, 'last-active-secret');
        assert.match(refused.body.detail, /last active client secret of directory revoke-co/);
        assert.match(refused.body.detail, /refuse every request/);
        assert.equal((await scim()).status, 200, 'still works after the refusal');

        const revoked = await call('DELETE', `/directories/${dir.id}/secrets/${only.body.id}?force=true`);
        assertOk(revoked);
        assert.equal(revoked.body.state, 'revoked');
        assert.equal(revoked.body.revokedAt, server.clock.now.toISOString());
        assert.equal((await scim()).status, 401, 'refused on the very next request');
        assertProblem(await call('DELETE', `/directories/${dir.id}/secrets/${only.body.id}?force=true`), 409, 'already-revoked');
      });

      it('revokes without force while another secret is active; a secret of another directory is not found there', async () => {
        const a = await directory('revoke-a');
        const b = await directory('revoke-b');
        const [a1, a2] = [await call('POST', `/directories/${a.id}/secrets`, {}), await call('POST', `/directories/${a.id}/secrets`, {})];
        assertProblem(await call('DELETE', `/directories/${b.id}/secrets/${a1.body.id}`), 404);
        assertProblem(await call('DELETE', `/directories/${a.id}/secrets/sec_doesnotexist`), 404);
        assertProblem(await call('DELETE', `/directories/${a.id}/secrets/${a1.body.id}?force=maybe`), 400);
        assertOk(await call('DELETE', `/directories/${a.id}/secrets/${a1.body.id}`));
        assertProblem(await call('DELETE', `/directories/${a.id}/secrets/${a2.body.id}`), 409, 'last-active-secret');
      });
    });

    describe('admin secrets', () => {
      it('create (shown once), list, use, revoke; the last active one needs force', async () => {
        const created = await call('POST', '/admin/secrets', { name: 'ci', expiresIn: '90d' });
        assertOk(created, 201);
        assert.equal(created.body.directoryId, null);
        assertOk(await call('GET', '/status', undefined, created.body.secret));
        const listed = (await call('GET', '/admin/secrets')).body.secrets as any[];
        assert.ok(listed.some((s) => s.id === created.body.id && s.name === 'ci'));
        assert.doesNotMatch(JSON.stringify(listed), /scimd_[0-9A-Za-z]{20,}/);
        assertOk(await call('DELETE', `/admin/secrets/${created.body.id}`));
        assertProblem(await call('GET', '/status', undefined, created.body.secret), 401);

        const active = ((await call('GET', '/admin/secrets')).body.secrets as any[]).filter((s) => s.state === 'active');
        assert.equal(active.length, 1, 'only the test admin secret is left');
        const last = await call('DELETE', `/admin/secrets/${adminSecretId}`);
        assertProblem(last, 409, 'last-active-secret');
        assert.match(last.body.detail, /scimd admin token create/);
        assertProblem(await call('DELETE', `/admin/secrets/${(await server.createDirectory()).id}`), 404);
      });

      it('a directory secret id is not an admin secret, and an admin secret id is not a directory secret', async () => {
        const dir = await directory('scope-co');
        const secret = await call('POST', `/directories/${dir.id}/secrets`, {});
        assertProblem(await call('DELETE', `/admin/secrets/${secret.body.id}`), 404);
        assertProblem(await call('GET', `/secrets/${adminSecretId}`), 404);
      });
    });

    describe('events and audit', () => {
      it('each change appends its event to the directory outbox, in the same transaction', async () => {
        const dir = await directory('events-co');
        const secret = await call('POST', `/directories/${dir.id}/secrets`, {});
        await call('PATCH', `/directories/${dir.id}`, { name: 'events-co-2' });
        await call('PATCH', `/directories/${dir.id}/settings`, { maxActiveSecrets: 3 });
        await call('PATCH', `/directories/${dir.id}/settings`, { maxActiveSecrets: 3 });
        await call('DELETE', `/directories/${dir.id}/secrets/${secret.body.id}?force=true`);
        await call('DELETE', `/directories/${dir.id}?confirm=events-co-2`);
        const events = await server.store.readEvents(dir.id, 0, 100);
        assert.deepEqual(
          events.map((e) => e.type),
          ['directory.created', 'secret.created', 'directory.updated', 'directory.updated', 'secret.revoked', 'directory.deleted'],
          'an unchanged setting appends nothing',
        );
        assert.deepEqual(events.map((e) => e.sequence), [1, 2, 3, 4, 5, 6]);
        assert.equal(events[1].data.secretId, secret.body.id);
        assert.equal(events[1].data.by, adminSecretId);
        assert.deepEqual(events[2].data.changes, { name: { from: 'events-co', to: 'events-co-2' } });
        assert.doesNotMatch(JSON.stringify(events), /scimd_[0-9A-Za-z]{20,}/);
      });

      it('every action is audited with actor, client IP, time and target; newest first; filtered by directory', async () => {
        const dir = await directory('audited');
        const secret = await call('POST', `/directories/${dir.id}/secrets`, {});
        await call('PATCH', `/directories/${dir.id}`, { name: 'audited-2' });
        await call('PATCH', `/directories/${dir.id}/settings`, { allowSelfRotation: false });
        await call('DELETE', `/directories/${dir.id}/secrets/${secret.body.id}?force=true`);
        await call('DELETE', `/directories/${dir.id}?confirm=audited-2`);
        const page = await call('GET', `/audit?directory=${dir.id}`);
        assertOk(page);
        const entries = page.body.entries as any[];
        assert.deepEqual(
          entries.map((e) => e.action),
          ['directory.deleted', 'secret.revoked', 'directory.settings_updated', 'directory.renamed', 'secret.created', 'directory.created'],
        );
        for (const entry of entries) {
          assert.equal(entry.actor, adminSecretId);
          assert.equal(entry.actorIp, '127.0.0.1');
          assert.equal(entry.at, server.clock.now.toISOString());
          assert.equal(entry.directoryId, dir.id);
        }
        assert.deepEqual([entries[1].targetType, entries[1].targetId], ['secret', secret.body.id]);
        assert.deepEqual(entries[2].detail, { allowSelfRotation: { from: true, to: false } });
        assert.equal(page.body.next, null);
        assert.doesNotMatch(JSON.stringify(entries), /scimd_[0-9A-Za-z]{20,}/);

        const admin = await call('POST', '/admin/secrets', {});
        const all = (await call('GET', '/audit?limit=1')).body;
        assert.deepEqual([all.entries[0].action, all.entries[0].targetId, all.entries[0].directoryId], ['admin_secret.created', admin.body.id, null]);
        const older = (await call('GET', `/audit?limit=2&before=${all.next}`)).body;
        assert.equal(older.entries.length, 2);
        assert.equal(older.entries[0].action, 'directory.deleted');
        assertProblem(await call('GET', '/audit?limit=0'), 400);
        assertProblem(await call('GET', '/audit?limit=5000'), 400);
      });

      it('a refused change leaves no audit entry', async () => {
        const before = (await call('GET', '/audit?limit=1')).body.entries[0].id;
        await call('POST', '/directories', { name: 'acme' });
        await call('DELETE', `/directories/acme`);
        assert.equal((await call('GET', '/audit?limit=1')).body.entries[0].id, before);
      });
    });

    describe('the API itself', () => {
      it('unknown routes under /api/v1 answer a 404 problem', async () => {
        assertProblem(await call('GET', '/nothing-here'), 404, 'not-found');
        assertProblem(await call('PUT', '/directories'), 404);
      });

      it('/api/v1/openapi.json is an OpenAPI 3.1 document, served without credentials', async () => {
        const response = await call('GET', '/openapi.json', undefined, null);
        assertOk(response);
        assert.equal(response.body.openapi, '3.1.0');
        assert.deepEqual(response.body.servers, [{ url: '/api/v1' }]);
        assert.match(response.headers.get('cache-control') ?? '', /max-age=300/);
      });

      it('every registered /api/v1 route and method is described in the OpenAPI document, and nothing else is', async () => {
        const document = (await call('GET', '/openapi.json', undefined, null)).body as { paths: Record<string, Record<string, { summary: string }>> };
        const registered = registeredRoutes(server.app.printRoutes({ commonPrefix: false }))
          .filter((r) => r.path.startsWith('/api/v1/'))
          .flatMap((r) => r.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${r.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`))
          .sort();
        const documented = Object.entries(document.paths)
          .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.toLowerCase()}`))
          .sort();
        assert.ok(registered.length >= 50, `found the routes: ${registered.join(', ')}`);
        assert.deepEqual(registered, documented);
        for (const [path, item] of Object.entries(document.paths)) for (const [method, operation] of Object.entries(item)) assert.ok(operation.summary, `${method} ${path} has a summary`);
      });
    });
  });
}

/** The routes of Fastify's `printRoutes({ commonPrefix: false })` tree, with their full paths. */
function registeredRoutes(tree: string): { path: string; methods: string[] }[] {
  const routes: { path: string; methods: string[] }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    stack.push(match[2]);
    if (match[3]) routes.push({ path: stack.join(''), methods: match[3].split(', ') });
  }
  return routes;
}
