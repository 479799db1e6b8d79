import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LifecycleLogger } from '../../src/lifecycle/lifecycle-logger.js';
import { ProvisioningRuntime } from '../../src/provisioning/provisioning-runtime.js';
import type { CycleRecord } from '../../src/provisioning/store/connection-store.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { waitFor } from '../support/wait.js';

const HEADER = ['userName', 'externalId', 'name.givenName', 'name.familyName'];
const rows = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => [`${prefix}${i}@acme.com`, `${prefix}${i}`, `Given${i}`, `Family${i}`]);

/** A logger that keeps its lines, to see what the scheduler reported. */
function collectingLog(): LifecycleLogger & { lines: { level: string; msg: string; object: object }[] } {
  const lines: { level: string; msg: string; object: object }[] = [];
  const keep = (level: string) => (object: object, msg: string) => void lines.push({ level, msg, object });
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

for (const backend of BACKENDS) {
  describe(`the provisioning scheduler on ${backend}`, () => {
    let h: EngineHarness;
    const runtimes: ProvisioningRuntime[] = [];
    /** The schedulers' clock: real time moved forward by `ahead` ms, so a test can step past a schedule. */
    let ahead = 0;
    const runtime = () => {
      const r = new ProvisioningRuntime({ db: h.database.url, log: collectingLog(), encryptor: h.encryptor, clientOptions: { retry: { baseMs: 5, capMs: 50 } }, clock: () => new Date(Date.now() + ahead) });
      runtimes.push(r);
      return r;
    };
    const cycles = async (name: string): Promise<CycleRecord[]> => h.store.listCycles((await h.store.findConnection(name))!.id, 100);

    before(async () => {
      h = await EngineHarness.start(backend);
    });
    after(async () => {
      for (const r of runtimes) await r.close();
      await h.close();
    });

    it('runs a connection that is due, and not again before its schedule says so', async () => {
      h.csv('due.csv', HEADER, rows(5, 'due'));
      await h.connect('due', { source: `file:${h.dir}/due.csv`, schedule: '1h' });
      const r = runtime();
      // No timed ticks after the first: the test runs each look for due work itself and waits for it.
      const scheduler = await r.startScheduler({ tickMs: 3_600_000 });
      await waitFor('the scheduled cycle', async () => (await cycles('due')).find((c) => c.status === 'completed'));
      assert.equal([...(await h.targetUsers()).keys()].filter((u) => u.startsWith('due')).length, 5);
      await waitFor('the cycle to leave the scheduler', () => !scheduler.active.length);
      ahead = 59 * 60_000;
      await scheduler.tick();
      assert.deepEqual(scheduler.active, [], 'a look for due work 59 minutes later starts nothing');
      assert.equal((await cycles('due')).length, 1, 'the next cycle is an hour away');
      ahead = 60 * 60_000 + 1_000;
      await scheduler.tick();
      assert.equal(scheduler.active.length, 1, 'an hour later it is due again');
      await waitFor('the second cycle', async () => (await cycles('due')).filter((c) => c.status === 'completed').length === 2);
      ahead = 0;
      await r.close();
    });

    it('on shutdown, a running cycle commits what it sent, ends interrupted and releases its lease; the next cycle finishes without duplicates', async () => {
      h.csv('slow.csv', HEADER, rows(150, 'slow'));
      await h.connect('slow', { source: `file:${h.dir}/slow.csv`, schedule: '1h', rate: '40' });
      const r = runtime();
      await r.startScheduler({ tickMs: 100 });
      await waitFor('some users on the target', async () => [...(await h.targetUsers()).keys()].filter((u) => u.startsWith('slow')).length > 0);
      await r.close();
      const [stopped] = await cycles('slow');
      assert.equal(stopped.status, 'interrupted', stopped.message ?? '');
      assert.match(stopped.message ?? '', /shutting down/);
      const created = [...(await h.targetUsers()).keys()].filter((u) => u.startsWith('slow')).length;
      assert.ok(created > 0 && created < 150, `part of the users were created (${created})`);

      await h.store.updateConnection({ ...(await h.store.findConnection('slow'))!, settings: { ...(await h.store.findConnection('slow'))!.settings, ratePerSecond: 0 } });
      const report = await h.sync('slow');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      const users = [...(await h.targetUsers()).keys()].filter((u) => u.startsWith('slow'));
      assert.equal(users.length, 150);
      assert.equal(new Set(users).size, 150);
    });

    it('stops trying a connection after four weeks in quarantine, and keeps trying one quarantined for less', async () => {
      h.csv('stale.csv', HEADER, rows(2, 'stale'));
      h.csv('fresh.csv', HEADER, rows(2, 'fresh'));
      const stale = await h.connect('stale', { source: `file:${h.dir}/stale.csv`, schedule: '1h' });
      const fresh = await h.connect('fresh', { source: `file:${h.dir}/fresh.csv`, schedule: '1h' });
      const since = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
      await h.store.setQuarantine(stale.id, { reason: 'credentials', detail: 'refused', since: since(29) });
      await h.store.setQuarantine(fresh.id, { reason: 'credentials', detail: 'refused', since: since(3) });
      const r = runtime();
      const scheduler = await r.startScheduler({ tickMs: 3_600_000 });
      // A connection that never ran is due at once; the fresh one's cycle proves the scheduler looked.
      await waitFor('the cycle of the connection quarantined three days ago', async () => (await cycles('fresh')).find((c) => c.finishedAt));
      // One more whole look at every connection, run and awaited here, before "nothing happened".
      await scheduler.tick();
      assert.ok(!scheduler.active.includes(stale.id), 'the stale connection is not running');
      assert.deepEqual(await cycles('stale'), [], 'no cycle for the connection quarantined for 29 days');
      await r.close();
    });

    it('two schedulers on one database never run the same connection at once', async () => {
      h.csv('shared.csv', HEADER, rows(20, 'shared'));
      await h.connect('shared', { source: `file:${h.dir}/shared.csv`, schedule: 'continuous', rate: '200' });
      const a = runtime();
      const b = runtime();
      await Promise.all([a.startScheduler({ tickMs: 50 }), b.startScheduler({ tickMs: 50 })]);
      await waitFor('four cycles', async () => (await cycles('shared')).filter((c) => c.status === 'completed').length >= 4);
      await Promise.all([a.close(), b.close()]);
      const done = (await cycles('shared')).filter((c) => c.finishedAt).sort((x, y) => x.startedAt.localeCompare(y.startedAt));
      for (let i = 1; i < done.length; i++) {
        assert.ok(done[i].startedAt >= done[i - 1].finishedAt!, `cycle ${done[i].id} started ${done[i].startedAt}, before ${done[i - 1].id} finished ${done[i - 1].finishedAt}`);
      }
      assert.ok(done.every((c) => c.status === 'completed' || c.status === 'interrupted'), JSON.stringify(done.map((c) => [c.status, c.message])));
      assert.equal([...(await h.targetUsers()).keys()].filter((u) => u.startsWith('shared')).length, 20, 'no duplicates');
    });
  });
}
