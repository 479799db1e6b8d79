import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { logLines, type LogLine } from '../support/log-lines.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';

const DAY = 86_400_000;

/**
 * The lifecycle inside a real `scimd serve`: the sweep at start announces expiries (events and
 * warn lines), a stale secret is refused and announced, the lifecycle flags take effect, and a
 * clean shutdown writes the buffered connection counts.
 */
for (const backend of BACKENDS) {
  describe(`secret lifecycle in scimd serve (${backend})`, () => {
    let database: TestDatabase;
    let server: ScimdProcess;
    let store: Store;
    let exitCode: number | null;
    let directoryId: string;
    const secrets: Record<string, { id: string; secret: string }> = {};
    let tokenResponse: { status: number; body: any };
    const warnings = () => logLines(server.output()).filter((line: LogLine) => line.level === 40);

    before(async () => {
      database = await createTestDatabase(backend);
      const setup = await openStore(database.url);
      const now = Date.now();
      directoryId = (await setup.createDirectory({ id: 'dir_lifecycle', name: 'lifecycle', created: new Date(now - 10 * DAY).toISOString() })).id;
      const make = async (name: string, createdDaysAgo: number, lifetimeDays: number) => {
        const { record, secret } = await createSecret(setup, { directoryId, scope: 'scim', name, lifetimeMs: lifetimeDays * DAY, now: new Date(now - createdDaysAgo * DAY) });
        secrets[name] = { id: record.id, secret };
      };
      await make('stale', 3, 1); // expired two days ago
      await make('soon', 5, 15); // expires in ten days
      await setup.close();

      server = await startScimd(['--db', database.url, '--no-bootstrap', '--expiry-warnings', '45,12', '--access-token-lifetime', '2h']);
      const output = () => server.output() + server.errors();
      // The sweep at start announces both.
      await waitFor('the start-up sweep', () => warnings().some((l) => l.secretId === secrets.soon.id) && warnings().some((l) => l.secretId === secrets.stale.id), { detail: output });

      const scim = (secret: string) => fetch(`${server.url}/Users`, { headers: { authorization: `Bearer ${secret}`, 'user-agent': 'Azure AD SCIM Provisioning' } });
      assert.equal((await scim(secrets.stale.secret)).status, 401);
      await waitFor('the rejection warning', () => warnings().some((l) => l.secretId === secrets.stale.id && l.reason === 'expired'), { detail: output });
      for (let i = 0; i < 4; i++) assert.equal((await scim(secrets.soon.secret)).status, 200);
      assert.equal((await fetch(`${server.url}/Users/missing`, { headers: { authorization: `Bearer ${secrets.soon.secret}`, 'user-agent': 'probe' } })).status, 404);

      const token = await fetch(`${new URL(server.url).origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${secrets.soon.id}:${secrets.soon.secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      tokenResponse = { status: token.status, body: await token.json() };
      exitCode = await server.stop('SIGTERM');
      store = await openStore(database.url);
    });
    after(async () => {
      await server?.stop();
      await store?.close();
      await database?.drop();
    });

    it('announces expiries at start-up with the configured thresholds: events and warn-level lines', async () => {
      const events = await store.readEvents(directoryId, 0, 100);
      const expiring = events.filter((e) => e.type === 'secret.expiring');
      assert.deepEqual(
        expiring.map((e) => [e.subject.id, e.data.thresholdDays, e.data.daysLeft]),
        [[secrets.soon.id, 12, 10]],
      );
      const expired = events.filter((e) => e.type === 'secret.expired');
      assert.deepEqual(
        expired.map((e) => e.subject.id),
        [secrets.stale.id],
      );
      const soonLine = warnings().find((l) => l.secretId === secrets.soon.id)!;
      assert.equal(soonLine.msg, 'client secret "soon" expires in 10 days; create a new one and update the identity provider');
      assert.equal(soonLine.directoryId, directoryId);
    });

    it('refuses the expired secret, records the rejection on the directory and announces it once', async () => {
      const rejected = (await store.readEvents(directoryId, 0, 100)).filter((e) => e.type === 'auth.rejected');
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0].data.secretId, secrets.stale.id);
      const line = warnings().find((l) => l.secretId === secrets.stale.id && l.reason === 'expired')!;
      assert.match(String(line.msg), /refused a request with a client secret that expired at /);
      assert.equal(line.userAgent, 'Azure AD SCIM Provisioning');
    });

    it('writes the buffered connection counts on a clean shutdown', async () => {
      assert.equal(exitCode, 0);
      const status = (await store.connectionStatus(directoryId))!;
      assert.equal(status.requestCount, 5);
      assert.equal(status.errorCount, 1);
      assert.equal(status.rejectedCount, 1);
      assert.equal(status.lastRejectedSecretId, secrets.stale.id);
      assert.equal(status.lastRejectedReason, 'expired');
      assert.notEqual(status.firstRequestAt, null);
      assert.equal(status.lastUserAgent, 'probe', 'the last request was the 404');
      assert.notEqual((await store.findSecret(secrets.soon.id))!.lastUsedAt, null);
    });

    it('issues access tokens with the configured lifetime', () => {
      assert.equal(tokenResponse.status, 200);
      assert.equal(tokenResponse.body.expires_in, 2 * 3600);
    });

    it('never writes a secret or an access token to the log', () => {
      const log = server.output() + server.errors();
      for (const { secret } of Object.values(secrets)) assert.ok(!log.includes(secret.slice(6, 30)));
      assert.ok(!log.includes(tokenResponse.body.access_token.slice(9, 40)));
    });
  });
}
