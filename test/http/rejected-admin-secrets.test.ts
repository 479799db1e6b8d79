import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { runScimd } from '../support/scimd-cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DAY = 86_400_000;

/** An expired or revoked admin secret that something still presents is a silent outage: status names it, and where it came from. */
for (const backend of BACKENDS) {
  describe(`status lists expired and revoked admin secrets still presented (${backend})`, () => {
    let server: TestServer;
    let admin: AdminCall;
    let nightly: { id: string; text: string; suffix: string; expiresAt: string };
    const status = async (query = '') => {
      const response = await admin('GET', `/status${query}`);
      assertOk(response);
      return response.body;
    };

    before(async () => {
      server = await startTestServer(backend);
      admin = (await adminApi(server)).call;
      const { record, secret } = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'nightly export', lifetimeMs: 30 * DAY, now: new Date(server.clock.now.getTime() - 40 * DAY) });
      nightly = { id: record.id, text: secret, suffix: record.suffix, expiresAt: record.expiresAt! };
    });
    after(() => server.close());

    it('an expired admin secret presented to the admin API shows in GET /status with when and where, and needs attention', async () => {
      const quiet = await status();
      assert.deepEqual(quiet.rejectedAdminSecrets, []);
      assert.equal(quiet.attention, false);
      const refused = await server.raw('GET', `${server.origin}/api/v1/directories`, { headers: { authorization: `Bearer ${nightly.text}`, 'user-agent': 'nightly-export/1.0' } });
      assertProblem(refused, 401);
      const report = await status();
      assert.equal(report.attention, true);
      assert.deepEqual(report.rejectedAdminSecrets, [
        {
          id: nightly.id,
          name: 'nightly export',
          suffix: nightly.suffix,
          reason: 'expired',
          since: nightly.expiresAt,
          lastRejectedAt: server.clock.now.toISOString(),
          clientIp: '127.0.0.1',
          userAgent: 'nightly-export/1.0',
          via: 'admin_api',
        },
      ]);
    });

    it('scimd status names it with when and where, and exits 2', async () => {
      const result = await runScimd(['status', '--db', server.databaseUrl]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`REJECTED: admin secret "nightly export" \\(…${nightly.suffix}\\) expired ${nightly.expiresAt.slice(0, 10)} \\d\\d:\\d\\d but was presented \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d from 127\\.0\\.0\\.1 via the admin API \\(nightly-export/1\\.0\\)`),
      );
      assert.match(result.stdout, /Needs attention: 0 directories and an admin secret/);
      const json = await runScimd(['status', '--db', server.databaseUrl, '--json']);
      assert.equal(json.code, 2);
      assert.deepEqual(JSON.parse(json.stdout).rejectedAdminSecrets.map((r: { id: string }) => r.id), [nightly.id]);
    });

    it('a revoked admin secret at console sign-in shows too, newest refusal first', async () => {
      const { record, secret } = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'laptop', lifetimeMs: 365 * DAY, now: server.clock.now });
      assertOk(await admin('DELETE', `/admin/secrets/${record.id}`));
      server.clock.now = new Date(server.clock.now.getTime() + 60_000);
      const signIn = await server.raw('POST', `${server.origin}/api/v1/session`, { body: JSON.stringify({ secret }), headers: { 'content-type': 'application/json' } });
      assert.equal(signIn.status, 401);
      const report = await status();
      assert.deepEqual(report.rejectedAdminSecrets.map((r: { name: string; reason: string; via: string }) => [r.name, r.reason, r.via]), [
        ['laptop', 'revoked', 'console_sign_in'],
        ['nightly export', 'expired', 'admin_api'],
      ]);
    });

    it('a refusal older than the idle period no longer counts', async () => {
      server.clock.now = new Date(server.clock.now.getTime() + 25 * 3_600_000);
      const report = await status();
      assert.deepEqual(report.rejectedAdminSecrets, []);
      assert.equal(report.attention, false);
      assert.equal((await status('?idleHours=48')).rejectedAdminSecrets.length, 2);
    });
  });
}
