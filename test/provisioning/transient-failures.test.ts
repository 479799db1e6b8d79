import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const HEADER = ['userName', 'externalId', 'title'];
const people = (title: string) => Array.from({ length: 20 }, (_, i) => [`p${i}@acme.com`, `e${i}`, title]);

for (const backend of BACKENDS) {
  describe(`transient target failures within a cycle on ${backend}`, () => {
    let h: EngineHarness;
    /** The waits the client asked for, instead of waiting them. */
    const waits: number[] = [];
    const clientOptions = { retry: { baseMs: 100, capMs: 1_000 }, settleMs: 100, random: () => 1, sleep: async (ms: number) => void waits.push(ms) };

    before(async () => {
      h = await EngineHarness.start(backend);
    });
    after(() => h.close());

    it('a plain 500 and a 408 are retried with growing backoff, and every object arrives', async () => {
      h.csv('people.csv', HEADER, people('Rep'));
      await h.connect('acme', { source: `file:${h.dir}/people.csv` });
      // Each create is first refused with 408 (never received), then with 500 (which may hide a
      // create: the engine looks the user up before posting again), then goes through.
      const seen = new Map<string, number>();
      h.proxy.decide = (method, _path, body) => {
        if (method !== 'POST') return 'pass';
        const n = (seen.get(body) ?? 0) + 1;
        seen.set(body, n);
        return n === 1 ? '408' : n === 2 ? '500' : 'pass';
      };
      const report = await h.sync('acme', { clientOptions });
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual([report.summary.created, report.summary.failed], [20, 0]);
      assert.equal((await h.targetUsers()).size, 20, 'all twenty users are on the target');
      assert.equal(report.quarantine, undefined);
      assert.equal(h.proxy.count('POST'), 60, 'three POSTs per user: 408, 500, then created');
      assert.ok(report.summary.retries >= 20, `the 408s were retried (${report.summary.retries})`);
      assert.ok(waits.length >= 40, `the client waited before each retry (${waits.length} waits)`);
    });

    it('PATCHes answered 500 twice are retried and land; the answer of the third is what counts', async () => {
      h.csv('people.csv', HEADER, people('Lead'));
      const seen = new Map<string, number>();
      h.proxy.decide = (method, path) => {
        if (method !== 'PATCH') return 'pass';
        const n = (seen.get(path) ?? 0) + 1;
        seen.set(path, n);
        return n <= 2 ? '500' : 'pass';
      };
      waits.length = 0;
      const report = await h.sync('acme', { clientOptions });
      assert.deepEqual([report.summary.updated, report.summary.failed], [20, 0], report.cycle.message ?? '');
      assert.ok([...(await h.targetUsers()).values()].every((u) => u.title === 'Lead'));
      // Each PATCH waits 100 ms after its first 500 and 200 ms after its second (random() = 1: the full step).
      assert.deepEqual([waits.filter((w) => w === 100).length, waits.filter((w) => w === 200).length, waits.length], [20, 20, 40]);
    });
  });
}
