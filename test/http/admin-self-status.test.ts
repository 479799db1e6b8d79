import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type ScimResponse, type TestServer } from '../support/test-server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const backend of BACKENDS) {
  describe(`admin API: self-rotation and concurrency (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let adminSecret: string;
    before(async () => {
      server = await startTestServer(backend);
      ({ call, secret: adminSecret } = await adminApi(server));
    });
    after(() => server.close());

    const scim = (secret: string): Promise<ScimResponse> => server.raw('GET', '/Users', { headers: { authorization: `Bearer ${secret}` } });
    const self = (method: string, path: string, secret: string | null, body?: unknown) => call(method, `/self${path}`, body, secret);

    async function directoryWithSecret(name: string, settings: object = {}): Promise<{ id: string; secret: string; secretId: string }> {
      const dir = await call('POST', '/directories', { name, settings });
      assertOk(dir, 201);
      const secret = await call('POST', `/directories/${dir.body.id}/secrets`, { name: 'Entra' });
      assertOk(secret, 201);
      return { id: dir.body.id, secret: secret.body.secret, secretId: secret.body.id };
    }

    it('a directory secret gets a working successor with the default lifetime, in its own directory only', async () => {
      const a = await directoryWithSecret('self-a', { defaultSecretLifetime: '90d' });
      const b = await directoryWithSecret('self-b');
      const rotated = await self('POST', '/secrets', a.secret);
      assertOk(rotated, 201);
      assert.equal(rotated.body.directoryId, a.id);
      assert.equal(rotated.body.name, `Entra (rotated ${server.clock.now.toISOString().slice(0, 10)})`);
      assert.equal(Date.parse(rotated.body.expiresAt) - server.clock.now.getTime(), 90 * DAY);
      assert.equal(rotated.headers.get('cache-control'), 'no-store');
      assert.equal((await scim(rotated.body.secret)).status, 200);
      assert.equal((await scim(a.secret)).status, 200, 'the old secret keeps working until it is retired');

      const aSecrets = (await call('GET', `/directories/${a.id}/secrets`)).body.secrets;
      assert.deepEqual(aSecrets.map((s: any) => s.id).sort(), [a.secretId, rotated.body.id].sort());
      assert.equal((await call('GET', `/directories/${b.id}/secrets`)).body.secrets.length, 1, 'the other directory is untouched');

      const [entry] = (await call('GET', `/audit?directory=${a.id}&limit=1`)).body.entries;
      assert.deepEqual([entry.action, entry.actor, entry.targetId, entry.detail.via, entry.detail.rotatedFrom], ['secret.created', a.secretId, rotated.body.id, 'self-rotation', a.secretId]);
    });

    it("no request can name another directory: a directory field is refused, another directory's admin routes answer 403", async () => {
      const a = await directoryWithSecret('cross-a');
      const b = await directoryWithSecret('cross-b');
      assertProblem(await self('POST', '/secrets', a.secret, { directoryId: b.id }), 400, 'invalid-input');
      assertProblem(await self('POST', '/secrets', a.secret, { directory: 'cross-b' }), 400, 'invalid-input');
      assertProblem(await call('POST', `/directories/${b.id}/secrets`, {}, a.secret), 403);
      assertProblem(await call('DELETE', `/directories/${b.id}/secrets/${b.secretId}?force=true`, undefined, a.secret), 403);
      assert.equal((await call('GET', `/directories/${b.id}/secrets`)).body.secrets.length, 1);
      assert.equal((await call('GET', `/directories/${a.id}/secrets`)).body.secrets.length, 1);
      assert.equal((await scim(b.secret)).status, 200);
    });

    it('refuses no secret (401), an admin secret (403) and a directory that does not allow self-rotation (403)', async () => {
      assertProblem(await self('POST', '/secrets', null), 401);
      assertProblem(await self('POST', '/secrets', adminSecret), 403);
      const locked = await directoryWithSecret('no-self', { allowSelfRotation: false });
      const refused = await self('POST', '/secrets', locked.secret);
      assertProblem(refused, 403, 'self-rotation-disabled');
      assert.equal((await call('GET', `/directories/${locked.id}/secrets`)).body.secrets.length, 1, 'nothing was created');
    });

    it('at the limit, rotation is refused unless the caller is the only active secret', async () => {
      const dir = await directoryWithSecret('limit-self');
      const second = await self('POST', '/secrets', dir.secret);
      assertOk(second, 201);
      assertProblem(await self('POST', '/secrets', dir.secret), 409, 'active-secret-limit');
      assertProblem(await self('POST', '/secrets', second.body.secret), 409, 'active-secret-limit');

      const sole = await directoryWithSecret('sole-self', { maxActiveSecrets: 1 });
      const successor = await self('POST', '/secrets', sole.secret);
      assertOk(successor, 201);
      assertProblem(await self('POST', '/secrets', successor.body.secret), 409, 'active-secret-limit');
    });

    it('DELETE /self/secret retires the caller only once its successor has carried a request', async () => {
      const dir = await directoryWithSecret('retire');
      const successor = await self('POST', '/secrets', dir.secret);
      const early = await self('DELETE', '/secret', dir.secret);
      assertProblem(early, 409, 'successor-not-used');
      assert.equal((await scim(dir.secret)).status, 200);

      assert.equal((await scim(successor.body.secret)).status, 200);
      const retired = await self('DELETE', '/secret', dir.secret);
      assertOk(retired);
      assert.equal(retired.body.id, dir.secretId);
      assert.equal(retired.body.state, 'revoked');
      assert.equal((await scim(dir.secret)).status, 401, 'refused from the next request on');
      assert.equal((await scim(successor.body.secret)).status, 200);
      assertProblem(await self('DELETE', '/secret', dir.secret), 401);
      assertProblem(await self('DELETE', '/secret', successor.body.secret), 409, 'successor-not-used');

      const events = await server.store.readEvents(dir.id, 0, 100);
      const revoked = events.find((e) => e.type === 'secret.revoked')!;
      assert.deepEqual([revoked.data.reason, revoked.data.successorId, revoked.data.by], ['self-retired', successor.body.id, dir.secretId]);
    });

    it('an access token may read its own secret but not mint or retire secrets (client-secret-required)', async () => {
      const dir = await directoryWithSecret('token-self');
      const issued = await server.raw('POST', `${server.origin}/oauth/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${dir.secretId}:${dir.secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      assert.equal(issued.status, 200, issued.text);
      const token: string = issued.body.access_token;

      const read = await self('GET', '/secret', token);
      assertOk(read);
      assert.equal(read.body.id, dir.secretId);
      const minted = await self('POST', '/secrets', token, { name: 'from a token' });
      assertProblem(minted, 403, 'client-secret-required');
      assert.match(minted.body.detail, /client secret itself/);
      assertProblem(await self('DELETE', '/secret', token), 403, 'client-secret-required');

      const secrets = (await call('GET', `/directories/${dir.id}/secrets`)).body.secrets;
      assert.deepEqual(secrets.map((s: any) => [s.id, s.state]), [[dir.secretId, 'active']], 'nothing created, nothing retired');
      assertOk(await self('POST', '/secrets', dir.secret), 201);
    });

    it('concurrent secret creations never exceed the limit', async () => {
      const dir = await call('POST', '/directories', { name: 'race-create' });
      const results = await Promise.all(Array.from({ length: 6 }, () => call('POST', `/directories/${dir.body.id}/secrets`, {})));
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 201, 409, 409, 409, 409]);
      assert.equal((await call('GET', `/directories/${dir.body.id}/secrets`)).body.secrets.length, 2);
    });

    it('concurrent revocations of the last two active secrets leave one active', async () => {
      const dir = await call('POST', '/directories', { name: 'race-revoke' });
      const ids = [];
      for (let i = 0; i < 2; i++) ids.push((await call('POST', `/directories/${dir.body.id}/secrets`, {})).body.id);
      const results = await Promise.all(ids.map((id) => call('DELETE', `/directories/${dir.body.id}/secrets/${id}`)));
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
      const states = (await call('GET', `/directories/${dir.body.id}/secrets`)).body.secrets.map((s: any) => s.state).sort();
      assert.deepEqual(states, ['active', 'revoked']);
    });
  });

  describe(`admin API: connection status (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    const start = new Date();
    const dirs: Record<string, { id: string; secret: string; secretId: string }> = {};

    before(async () => {
      server = await startTestServer(backend);
      server.clock.now = start;
      ({ call } = await adminApi(server));
      const make = async (name: string, expiresIn = '365d') => {
        const dir = await call('POST', '/directories', { name });
        const secret = await call('POST', `/directories/${dir.body.id}/secrets`, { name: `${name} secret`, expiresIn });
        dirs[name] = { id: dir.body.id, secret: secret.body.secret, secretId: secret.body.id };
      };
      await make('rejecting', '2d');
      await make('idle');
      await make('healthy');
      await make('expiring', '40d');
      await make('lost');
      await make('new');
      for (const name of ['rejecting', 'idle', 'healthy', 'lost']) assert.equal((await scim(dirs[name].secret, `${name}-client/1.0`)).status, 200);
      assertOk(await call('DELETE', `/directories/${dirs.lost.id}/secrets/${dirs.lost.secretId}?force=true`));
      server.clock.now = new Date(start.getTime() + 3 * DAY);
      assert.equal((await scim(dirs.rejecting.secret, 'stale-client/1.0')).status, 401, 'the expired secret is refused');
      assert.equal((await scim(dirs.healthy.secret, 'healthy-client/2.0')).status, 200);
      await server.app.lifecycle.flush();
    });
    after(() => server.close());

    const scim = (secret: string, userAgent: string) => server.raw('GET', '/Users', { headers: { authorization: `Bearer ${secret}`, 'user-agent': userAgent } });

    it('GET /status lists every directory worst first, with one health word and a sentence to act on', async () => {
      const response = await call('GET', '/status');
      assertOk(response);
      const report = response.body;
      assert.deepEqual(
        report.directories.map((d: any) => [d.name, d.health]),
        [
          ['rejecting', 'rejecting'],
          ['lost', 'no_active_secret'],
          ['expiring', 'expiring'],
          ['idle', 'idle'],
          ['new', 'not_connected'],
          ['healthy', 'healthy'],
        ],
      );
      assert.equal(report.attention, true);
      assert.equal(report.warningWindowDays, 60);
      const byName = Object.fromEntries(report.directories.map((d: any) => [d.name, d]));
      assert.deepEqual(
        Object.fromEntries(Object.entries(byName).map(([name, d]: [string, any]) => [name, d.attention])),
        { rejecting: true, lost: true, expiring: true, idle: false, new: false, healthy: false },
      );
      assert.match(byName.rejecting.summary, /"rejecting secret" \(…\w{4}\), which expired 1 day ago/);
      assert.equal(byName.rejecting.lastRejectedSecretId, dirs.rejecting.secretId);
      assert.equal(byName.rejecting.lastRejectedReason, 'expired');
      assert.equal(byName.rejecting.rejectedCount, 1);
      assert.match(byName.expiring.summary, /expires in 37 days/);
      assert.match(byName.idle.summary, /no requests for 72 hours/);
      assert.equal(byName.new.connected, false);
      assert.equal(byName.healthy.connected, true);
      assert.equal(byName.healthy.requestCount, 2);
      assert.equal(byName.healthy.lastUserAgent, 'healthy-client/2.0');
      assert.equal(byName.healthy.lastClientIp, '127.0.0.1');
      assert.equal(byName.healthy.lastRequestAt, server.clock.now.toISOString());
      assert.equal(byName.healthy.firstRequestAt, start.toISOString());
      assert.equal(byName.healthy.nextExpiry, byName.healthy.secrets[0].expiresAt);
    });

    it('GET /directories/{directory}/status answers for one directory, with idleHours as given', async () => {
      const idle = await call('GET', `/directories/idle/status`);
      assertOk(idle);
      assert.equal(idle.body.health, 'idle');
      assert.equal((await call('GET', `/directories/${dirs.idle.id}/status?idleHours=100`)).body.health, 'healthy');
      assertProblem(await call('GET', '/directories/idle/status?idleHours=-1'), 400);
      assertProblem(await call('GET', '/directories/nowhere/status'), 404);
    });

    it('a directory stops needing attention once the cause is gone', async () => {
      const expiring = dirs.expiring;
      const successor = await call('POST', `/directories/${expiring.id}/secrets`, { name: 'next' });
      assert.match((await call('GET', `/directories/${expiring.id}/status`)).body.summary, /successor "next" .* has not been used yet/);
      assertOk(await call('DELETE', `/directories/${expiring.id}/secrets/${expiring.secretId}`));
      assert.equal((await scim(successor.body.secret, 'x')).status, 200);
      await server.app.lifecycle.flush();
      const status = (await call('GET', `/directories/${expiring.id}/status`)).body;
      assert.equal(status.health, 'healthy');
      assert.equal(status.attention, false);
    });
  });
}
