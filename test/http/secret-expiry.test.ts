import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DEFAULT_EXPIRY_WARNING_DAYS } from '../../src/lifecycle/expiry-warnings.js';
import { LifecycleSweeper } from '../../src/lifecycle/lifecycle-sweeper.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS } from '../support/databases.js';
import { callWith, DAY, eventsOf, newSecret } from '../support/lifecycle-helpers.js';
import { assertScimError, assertStatus } from '../support/scim-assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Log lines a sweeper writes, captured. */
function captureLog() {
  const lines: { level: string; object: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (object: object, message: string) => lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

for (const backend of BACKENDS) {
  describe(`secret expiry warnings (${backend})`, () => {
    let server: TestServer;
    let replicaStore: Store;
    let started: Date;
    before(async () => {
      server = await startTestServer(backend, { eventRetentionMs: 3650 * DAY });
      // A second replica's sweeper: on PostgreSQL with its own connections; on SQLite on the
      // server's connection (two in one process would deadlock, see test/support/replica.ts).
      replicaStore = backend === 'postgres' ? await openStore(server.databaseUrl) : server.store;
      started = server.clock.now;
    });
    afterEach(() => {
      server.clock.now = started;
    });
    after(async () => {
      if (replicaStore !== server.store) await replicaStore.close();
      await server.close();
    });

    const secondSweeper = (log = captureLog().log) =>
      new LifecycleSweeper({ store: replicaStore, log, clock: () => server.clock.now, warningDays: DEFAULT_EXPIRY_WARNING_DAYS, eventRetentionMs: 3650 * DAY });

    it('raises exactly one secret.expiring per threshold as the clock crosses it, even with two sweepers racing', async () => {
      const dir = await server.createDirectory();
      const { record } = await newSecret(server, dir.id, 'Entra 2026', 61 * DAY);
      const expiresAt = Date.parse(record.expiresAt!);
      const other = secondSweeper();
      const sweepBoth = async (at: Date) => {
        await Promise.all([server.app.lifecycle.runOnce(at), other.runOnce(at), server.app.lifecycle.runOnce(at)]);
        await other.runOnce(at);
      };
      const warnings = async () => (await eventsOf(server, dir.id, 'secret.expiring')).filter((e) => e.subject.id === record.id);

      await sweepBoth(new Date(expiresAt - 60 * DAY - 60_000));
      assert.deepEqual(await warnings(), [], 'nothing before the first threshold');

      for (const [i, days] of DEFAULT_EXPIRY_WARNING_DAYS.entries()) {
        const crossing = new Date(expiresAt - days * DAY + 60_000);
        await sweepBoth(crossing);
        await sweepBoth(new Date(crossing.getTime() + 3_600_000));
        const seen = await warnings();
        assert.equal(seen.length, i + 1, `one warning at ${days} days`);
        const latest = seen[i];
        assert.equal(latest.data.thresholdDays, days);
        assert.equal(latest.data.daysLeft, days);
        assert.equal(latest.data.expiresAt, record.expiresAt);
        assert.equal(latest.data.secretId, record.id);
        assert.equal(latest.data.secretName, 'Entra 2026');
        assert.equal(latest.data.newerSecretInUse, false);
        assert.equal(latest.occurredAt, crossing.toISOString());
      }
      assert.equal((await server.store.findSecret(record.id))!.warnedDays, 1);
      assert.deepEqual(await eventsOf(server, dir.id, 'secret.expired'), []);
    });

    it('raises secret.expired once when the secret lapses, and refuses it from then on', async () => {
      const dir = await server.createDirectory();
      const { record, secret } = await newSecret(server, dir.id, 'short', 2 * DAY);
      assertStatus(await callWith(server, secret), 200);
      const expiry = new Date(record.expiresAt!);
      const before = new Date(expiry.getTime() - 1000);
      await Promise.all([server.app.lifecycle.runOnce(before), secondSweeper().runOnce(before)]);
      assert.deepEqual(await eventsOf(server, dir.id, 'secret.expired'), []);

      const after = new Date(expiry.getTime() + 1000);
      const reports = await Promise.all([server.app.lifecycle.runOnce(after), secondSweeper().runOnce(after), server.app.lifecycle.runOnce(after)]);
      assert.equal(reports.reduce((n, r) => n + r.expired, 0), 1, 'exactly one sweeper announces it');
      await server.app.lifecycle.runOnce(new Date(after.getTime() + 7 * DAY));
      const expired = await eventsOf(server, dir.id, 'secret.expired');
      assert.equal(expired.length, 1);
      assert.equal(expired[0].subject.id, record.id);
      assert.equal(expired[0].occurredAt, after.toISOString());
      assert.equal((await eventsOf(server, dir.id, 'secret.expiring')).length, 1, 'a 2-day secret gets one warning, the 1-day one');

      server.clock.now = after;
      assertScimError(await callWith(server, secret), 401);
    });

    it('logs each warning and expiry once at warn level, naming the secret but never containing it', async () => {
      const dir = await server.createDirectory();
      const { record, secret } = await newSecret(server, dir.id, 'Okta prod', 10 * DAY);
      const { lines, log } = captureLog();
      const sweeper = secondSweeper(log);
      await sweeper.runOnce(server.clock.now);
      await sweeper.runOnce(server.clock.now);
      await sweeper.runOnce(new Date(Date.parse(record.expiresAt!) + 1));
      const mine = lines.filter((l) => l.object.secretId === record.id);
      assert.deepEqual(
        mine.map((l) => [l.level, l.message]),
        [
          ['warn', 'client secret "Okta prod" expires in 10 days; create a new one and update the identity provider'],
          ['warn', `client secret "Okta prod" expired at ${record.expiresAt}; requests with it are refused`],
        ],
      );
      assert.equal(mine[0].object.daysLeft, 10);
      assert.equal(mine[0].object.directoryId, dir.id);
      assert.ok(!JSON.stringify(lines).includes(secret), 'the secret never appears in a log line');
    });

    it('says when a newer secret already carries traffic', async () => {
      const dir = await server.createDirectory();
      const old = await newSecret(server, dir.id, 'old', 20 * DAY);
      server.clock.now = new Date(started.getTime() + 60_000);
      const fresh = await newSecret(server, dir.id, 'new', 365 * DAY);
      assertStatus(await callWith(server, fresh.secret), 200);
      await server.app.lifecycle.runOnce();
      const [warning] = (await eventsOf(server, dir.id, 'secret.expiring')).filter((e) => e.subject.id === old.record.id);
      assert.equal(warning.data.thresholdDays, 30);
      assert.equal(warning.data.daysLeft, 20);
      assert.equal(warning.data.newerSecretInUse, true);
    });

    it('announces nothing for revoked secrets or secrets that never expire', async () => {
      const dir = await server.createDirectory();
      const revoked = await newSecret(server, dir.id, 'revoked', 5 * DAY);
      await server.store.revokeSecret(revoked.record.id, server.clock.now.toISOString());
      const forever = await newSecret(server, dir.id, 'forever', null);
      await server.app.lifecycle.runOnce(new Date(started.getTime() + 4 * DAY));
      await server.app.lifecycle.runOnce(new Date(started.getTime() + 6 * DAY));
      const announced = (await eventsOf(server, dir.id, 'secret.expiring', 'secret.expired')).map((e) => e.subject.id);
      assert.ok(!announced.includes(revoked.record.id));
      assert.ok(!announced.includes(forever.record.id));
    });

    it('warns at the thresholds the server is configured with', async () => {
      const dir = await server.createDirectory();
      const { record } = await newSecret(server, dir.id, 'custom', 100 * DAY);
      const sweeper = new LifecycleSweeper({ store: replicaStore, log: captureLog().log, clock: () => server.clock.now, warningDays: [90, 3], eventRetentionMs: 3650 * DAY });
      const expiresAt = Date.parse(record.expiresAt!);
      await sweeper.runOnce(new Date(expiresAt - 60 * DAY));
      await sweeper.runOnce(new Date(expiresAt - 30 * DAY));
      await sweeper.runOnce(new Date(expiresAt - 2 * DAY));
      const thresholds = (await eventsOf(server, dir.id, 'secret.expiring')).filter((e) => e.subject.id === record.id).map((e) => e.data.thresholdDays);
      assert.deepEqual(thresholds, [90, 3]);
    });
  });

  describe(`event retention (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('purges events older than the retention (30 days by default) on each sweep', async () => {
      const dir = await server.createDirectory();
      assertStatus(await dir.request('POST', '/Users', { userName: 'old@example.com' }), 201);
      const oldCount = (await eventsOf(server, dir.id)).length;
      assert.ok(oldCount >= 3);
      server.clock.now = new Date(server.clock.now.getTime() + 20 * DAY);
      assertStatus(await dir.request('POST', '/Users', { userName: 'recent@example.com' }), 201);
      const at = new Date(server.clock.now.getTime() + 10 * DAY + 60_000);
      const report = await server.app.lifecycle.runOnce(at);
      assert.equal(report.purgedEvents, oldCount);
      const left = await eventsOf(server, dir.id);
      assert.deepEqual(
        left.map((e) => e.type),
        // Ten days without a request also announce the directory as quiet (--quiet-after, 24h).
        ['user.created', 'directory.quiet'],
      );
      // Sequences continue where they were: purging never renumbers.
      assert.equal(left[0].sequence, oldCount + 1);
    });
  });
}
