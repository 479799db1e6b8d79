import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { recordAuthRejection } from '../../src/http/metrics.js';
import { BACKENDS } from '../support/databases.js';
import { sampleValue } from '../support/prometheus-text.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const DAY = 86_400;

for (const backend of BACKENDS) {
  describe(`/metrics (${backend})`, () => {
    let server: TestServer;
    let directory: TestDirectory;
    let adminSecret: string;
    const scrape = async () => {
      const response = await server.raw('GET', `${server.origin}/metrics`, { headers: { authorization: `Bearer ${adminSecret}` } });
      assert.equal(response.status, 200, response.text);
      return response.text;
    };

    before(async () => {
      server = await startTestServer(backend);
      directory = await server.createDirectory('metrics-acme');
      adminSecret = (await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'ops', lifetimeMs: 30 * DAY * 1000, now: server.clock.now })).secret;
    });
    after(async () => {
      await server.close();
    });

    it('refuses a scrape without a secret (401) and with a directory secret (403)', async () => {
      const anonymous = await server.raw('GET', `${server.origin}/metrics`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer /);
      assert.doesNotMatch(anonymous.text, /scimd_http_requests_total/);
      const directorySecret = await server.raw('GET', `${server.origin}/metrics`, { headers: { authorization: `Bearer ${directory.secret}` } });
      assert.equal(directorySecret.status, 403);
      const wrong = await server.raw('GET', `${server.origin}/metrics`, { headers: { authorization: `Bearer ${adminSecret.slice(0, -2)}xx` } });
      assert.equal(wrong.status, 401);
    });

    it('serves Prometheus text to an admin secret', async () => {
      const response = await server.raw('GET', `${server.origin}/metrics`, { headers: { authorization: `Bearer ${adminSecret}` } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(response.text, /^# HELP scimd_http_requests_total /m);
      assert.match(response.text, /^process_cpu_user_seconds_total /m, 'Node runtime metrics are included');
    });

    it('counts requests and their latency by route pattern and status, never by raw URL', async () => {
      const created = await directory.request('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada.metrics@example.com' });
      assert.equal(created.status, 201);
      const id = created.body.id as string;
      const before = await scrape();
      const labels = { method: 'GET', route: '/scim/v2/Users/:id', status: '200' };
      const base = sampleValue(before, 'scimd_http_requests_total', labels) ?? 0;
      assert.equal((await directory.request('GET', `/Users/${id}`)).status, 200);
      assert.equal((await directory.request('GET', `/Users/${id}`)).status, 200);
      assert.equal((await directory.request('GET', '/Users/no-such-user')).status, 404);
      assert.equal((await directory.request('GET', `/Users?filter=${encodeURIComponent('userName eq "ada.metrics@example.com"')}`)).status, 200);

      const text = await scrape();
      assert.equal(sampleValue(text, 'scimd_http_requests_total', labels), base + 2);
      assert.equal(sampleValue(text, 'scimd_http_requests_total', { ...labels, status: '404' }), 1);
      assert.equal(sampleValue(text, 'scimd_http_requests_total', { method: 'GET', route: '/scim/v2/Users', status: '200' }), 1);
      assert.equal(sampleValue(text, 'scimd_http_request_duration_seconds_count', labels), base + 2);
      assert.ok(sampleValue(text, 'scimd_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' }) === base + 2);
      assert.ok((sampleValue(text, 'scimd_http_request_duration_seconds_sum', labels) ?? -1) > 0);
      assert.ok(!text.includes(id), 'no resource id appears');
      assert.ok(!text.includes('no-such-user'), 'no raw URL appears');
      assert.ok(!text.includes('ada.metrics'), 'no filter value appears');
    });

    it('reports each active secret’s seconds to expiry, computed from the database at scrape time', async () => {
      const dir = await server.createDirectory('metrics-expiry');
      const short = await createSecret(server.store, { directoryId: dir.id, scope: 'scim', name: 'Entra "2026"', lifetimeMs: 10 * DAY * 1000, now: server.clock.now });
      const never = await createSecret(server.store, { directoryId: dir.id, scope: 'scim', name: 'forever', lifetimeMs: null, now: server.clock.now });
      const revoked = await createSecret(server.store, { directoryId: dir.id, scope: 'scim', name: 'old', lifetimeMs: 10 * DAY * 1000, now: server.clock.now });
      await server.store.revokeSecret(revoked.record.id, server.clock.now.toISOString());

      let text = await scrape();
      const expiry = (secretId: string) => sampleValue(text, 'scimd_secret_expiry_seconds', { secret_id: secretId });
      assert.equal(expiry(short.record.id), 10 * DAY);
      assert.equal(sampleValue(text, 'scimd_secret_expiry_seconds', { directory: 'metrics-expiry', directory_id: dir.id, secret_id: short.record.id, secret_name: 'Entra "2026"', scope: 'scim' }), 10 * DAY);
      assert.equal(expiry(never.record.id), undefined, 'a secret that never expires is not listed');
      assert.equal(expiry(revoked.record.id), undefined, 'a revoked secret is not listed');
      const admin = adminSecretExpiry(text);
      assert.equal(admin, 30 * DAY, 'admin secrets are listed too, with scope="admin"');
      for (const secret of [directory.secret, dir.secret, short.secret, never.secret, revoked.secret, adminSecret]) {
        assert.ok(!text.includes(secret), 'no secret value appears in /metrics');
      }

      server.clock.now = new Date(server.clock.now.getTime() + 4 * DAY * 1000);
      text = await scrape();
      assert.equal(expiry(short.record.id), 6 * DAY, 'four days later, six remain');
      server.clock.now = new Date(server.clock.now.getTime() + 7 * DAY * 1000);
      text = await scrape();
      assert.equal(expiry(short.record.id), undefined, 'an expired secret is no longer listed');
    });

    it('counts refused credentials by reason, with the directory when the secret is known', async () => {
      const dir = await server.createDirectory('metrics-rejections');
      const lapsing = await createSecret(server.store, { directoryId: dir.id, scope: 'scim', name: 'lapsing', lifetimeMs: 60_000, now: server.clock.now });
      const before = await scrape();
      const missing = sampleValue(before, 'scimd_auth_rejections_total', { reason: 'missing', directory_id: '' }) ?? 0;

      assert.equal((await server.raw('GET', '/Users')).status, 401);
      server.clock.now = new Date(server.clock.now.getTime() + 120_000);
      const expired = await server.raw('GET', '/Users', { headers: { authorization: `Bearer ${lapsing.secret}` } });
      assert.equal(expired.status, 401);

      const text = await scrape();
      assert.equal(sampleValue(text, 'scimd_auth_rejections_total', { reason: 'missing', directory_id: '' }), missing + 1);
      assert.equal(sampleValue(text, 'scimd_auth_rejections_total', { reason: 'expired', directory_id: dir.id }), 1);
    });

    it('recordAuthRejection keeps label values to short words', async () => {
      recordAuthRejection('Bearer scimd_looks-like-a-secret', 'dir_x');
      const text = await scrape();
      assert.ok((sampleValue(text, 'scimd_auth_rejections_total', { reason: 'other', directory_id: 'dir_x' }) ?? 0) >= 1);
      assert.ok(!text.includes('looks-like-a-secret'));
    });

    it(`reports the database: up, and ${backend === 'postgres' ? "the pool's connections" : 'the file sizes'}`, async () => {
      const text = await scrape();
      assert.equal(sampleValue(text, 'scimd_database_up', { backend }), 1);
      if (backend === 'postgres') {
        assert.equal(sampleValue(text, 'scimd_db_pool_max_connections'), 10);
        const total = sampleValue(text, 'scimd_db_pool_connections')!;
        const idle = sampleValue(text, 'scimd_db_pool_idle_connections')!;
        assert.ok(total >= 1 && total <= 10, `connections: ${total}`);
        assert.ok(idle >= 0 && idle <= total, `idle: ${idle} of ${total}`);
        // A scrape's own queries may wait for a connection being opened, so only the shape is fixed.
        const waiting = sampleValue(text, 'scimd_db_pool_waiting_requests')!;
        assert.ok(Number.isInteger(waiting) && waiting >= 0, `waiting: ${waiting}`);
        assert.equal(sampleValue(text, 'scimd_sqlite_file_bytes'), undefined);
        assert.equal(sampleValue(text, 'scimd_sqlite_commits_total'), undefined);
      } else {
        assert.ok(sampleValue(text, 'scimd_sqlite_file_bytes')! >= 4096, 'the database file has pages');
        assert.ok(sampleValue(text, 'scimd_sqlite_wal_bytes')! >= 0);
        // Group commit: every write so far was made durable by a sync, several writes sharing one when they came together.
        const commits = sampleValue(text, 'scimd_sqlite_commits_total')!;
        const syncs = sampleValue(text, 'scimd_sqlite_wal_syncs_total')!;
        assert.ok(commits >= 1 && syncs >= 1 && syncs <= commits, `${commits} commits, ${syncs} syncs`);
        assert.match(text, /# TYPE scimd_sqlite_commits_total counter/);
        assert.equal(sampleValue(text, 'scimd_db_pool_connections'), undefined);
      }
    });
  });

  describe(`/metrics with --metrics-public (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend, { metricsPublic: true });
    });
    after(async () => {
      await server.close();
    });

    it('answers a scrape without a secret', async () => {
      const response = await server.raw('GET', `${server.origin}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.text, /^scimd_database_up\{backend="\w+"\} 1$/m);
    });
  });
}

/** The expiry of the one admin secret in a scrape (scope="admin", no directory). */
function adminSecretExpiry(text: string): number | undefined {
  return sampleValue(text, 'scimd_secret_expiry_seconds', { scope: 'admin', directory: '' });
}
