import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FAILING_CYCLES } from '../../src/provisioning/engine/quarantine.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const HEADER = ['userName', 'externalId', 'title'];
const people = (prefix: string, title: string, n = 25) => Array.from({ length: n }, (_, i) => [`${prefix}${i}@acme.com`, `${prefix}${i}`, title]);
const MINUTE = 60_000;

for (const backend of BACKENDS) {
  describe(`failure handling as Entra does it on ${backend}`, () => {
    let h: EngineHarness;
    /** A virtual clock that the client's waits move forward, so a 5-minute Retry-After takes no time. */
    const clock = { t: Date.now() };
    const waits: number[] = [];
    const clientOptions = {
      retry: { baseMs: 5, capMs: 50 },
      settleMs: 10,
      random: () => 1,
      clock: () => clock.t,
      sleep: async (ms: number) => {
        waits.push(ms);
        clock.t += ms;
      },
    };
    const now = () => new Date(clock.t);
    const sync = (name: string, extra: object = {}) => {
      clock.t += 1000; // cycles are ordered by their start: no two start in the same millisecond
      return h.sync(name, { clientOptions, now, honourEscrow: true, ...extra });
    };

    before(async () => {
      h = await EngineHarness.start(backend);
    });
    after(() => h.close());

    it('a 429 with a 5-minute Retry-After pauses the cycle and fails nothing', async () => {
      h.csv('slow.csv', HEADER, people('s', 'Rep'));
      await h.connect('slow', { source: `file:${h.dir}/slow.csv` });
      h.proxy.retryAfter = () => 300;
      let throttled = 0;
      h.proxy.decide = (method) => (method === 'POST' && ++throttled <= 3 ? '429' : 'pass');
      const report = await sync('slow');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual([report.summary.created, report.summary.failed], [25, 0]);
      assert.equal(report.quarantine, undefined);
      assert.ok(waits.includes(300_000), 'the cycle waited the five minutes asked for');
      assert.equal([...(await h.targetUsers()).keys()].filter((u) => u.startsWith('s')).length, 25);
    });

    it('a Retry-After beyond 15 minutes stops the cycle without failing objects; the next cycle carries on', async () => {
      h.csv('long.csv', HEADER, people('l', 'Rep'));
      const { id } = await h.connect('long', { source: `file:${h.dir}/long.csv` });
      h.proxy.retryAfter = () => 3600;
      h.proxy.decide = (method) => (method === 'POST' ? '429' : 'pass');
      const paused = await sync('long');
      assert.equal(paused.cycle.status, 'interrupted');
      assert.match(paused.cycle.message ?? '', /asked to wait 3600 s \(Retry-After\).*nothing was counted as failed/);
      assert.equal(paused.summary.failed, 0);
      assert.equal(paused.quarantine, undefined);
      assert.ok((await h.store.loadObjects(id)).every((s) => s.failures === 0 && s.retryAt === null), 'nothing went to escrow');

      h.proxy.decide = () => 'pass';
      clock.t += 3600_000;
      const resumed = await sync('long');
      assert.deepEqual([resumed.cycle.status, resumed.summary.created, resumed.summary.failed], ['completed', 25, 0]);
    });

    it('an outage that fails a whole 25-object delta escrows the objects and does not quarantine; the escrow retry delivers them', async () => {
      h.csv('slow.csv', HEADER, people('s', 'Lead'));
      h.proxy.decide = (method) => (method === 'PATCH' ? '500' : 'pass');
      const failing = await sync('slow');
      assert.equal(failing.summary.failed, 25);
      assert.equal(failing.quarantine, undefined, 'one failing cycle is not sustained failure');
      assert.equal(failing.cycle.summary?.failing, true);
      h.proxy.decide = () => 'pass';
      clock.t += 5 * MINUTE + 1000;
      const retried = await sync('slow');
      assert.deepEqual([retried.summary.updated, retried.summary.failed], [25, 0]);
      assert.ok([...(await h.targetUsers()).values()].filter((u) => u.userName.startsWith('s')).every((u) => u.title === 'Lead'));
    });

    it(`quarantines when ${FAILING_CYCLES} cycles in a row mostly failed`, async () => {
      h.csv('slow.csv', HEADER, people('s', 'Director'));
      h.proxy.decide = (method) => (method === 'PATCH' ? '500' : 'pass');
      const reports = [];
      for (let i = 0; i < FAILING_CYCLES; i++) {
        reports.push(await sync('slow', { honourEscrow: false }));
        clock.t += MINUTE;
      }
      assert.deepEqual(reports.map((r) => Boolean(r.quarantine)), [false, false, true]);
      assert.match(reports[2].quarantine!.detail, /25 of 25 objects \(100%\) failed, and this is cycle 3 in a row/);
      h.proxy.decide = () => 'pass';
    });
  });
}
