import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { CliHarness } from './support/cli-harness.js';

const usernames = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `u${from + i}@acme.com`).sort();
const users = (from: number, to: number) => ['userName,externalId', ...Array.from({ length: to - from }, (_, i) => `u${from + i}@acme.com,e${from + i}`)].join('\n');

for (const backend of BACKENDS) {
  describe(`the deletion threshold on ${backend}`, () => {
    let h: CliHarness;
    before(async () => {
      h = await CliHarness.start(backend);
      h.file('users.csv', users(0, 40));
      await h.json(['connection', 'create', 'acme', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret, '--delete-after', '0', '--deletion-threshold', '10']);
      const first = await h.json(['sync', 'acme']);
      assert.equal(first.summary.created, 40);
    });
    after(() => h.close());

    it('stops a cycle that would delete more than the threshold, sending nothing', async () => {
      h.file('users.csv', users(0, 10)); // 30 users vanish from the source at once
      h.proxy.reset();
      const stopped = await h.run(['sync', 'acme']);
      assert.equal(stopped.code, 3);
      assert.match(stopped.stdout, /Stopped: this cycle would disable or delete 30 objects, above the deletion threshold of 10\. Nothing was sent\./);
      assert.match(stopped.stdout, /scimd sync acme --allow-deletes/);
      assert.deepEqual(h.proxy.exchanges.filter((e) => e.method !== 'GET'), [], 'no write reached the target');
      assert.deepEqual([...(await h.targetUsers()).keys()].sort(), usernames(0, 40));

      const cycles = await h.json(['sync', 'cycles', 'acme']);
      assert.equal(cycles[0].status, 'stopped');
      const held = await h.json(['sync', 'log', 'acme', '--cycle', 'last']);
      assert.equal(held.length, 30);
      assert.ok(held.every((e: { action: string; result: string; detail: string }) => e.action === 'delete' && e.result === 'skipped' && e.detail === 'held by the deletion threshold (10)'));

      const again = await h.run(['sync', 'acme', '--quiet']);
      assert.equal(again.code, 3, 'it stays stopped until allowed');
      assert.equal(await h.userCount(), 40);
    });

    it('shows what it would do in a dry run, and goes ahead when allowed', async () => {
      const dry = await h.json(['sync', 'acme', '--dry-run']);
      assert.equal(dry.plan.steps.length, 30);
      assert.ok(dry.plan.steps.every((s: { action: string; reason: string }) => s.action === 'delete' && s.reason === 'deleted in source'));
      assert.match(dry.cycle.message, /deletion threshold \(10\) would stop this plan/);
      assert.equal(await h.userCount(), 40);

      const allowed = await h.json(['sync', 'acme', '--allow-deletes']);
      assert.equal(allowed.cycle.status, 'completed');
      assert.equal(allowed.summary.deleted, 30);
      assert.deepEqual([...(await h.targetUsers()).keys()].sort(), usernames(0, 10), 'the thirty gone from the source, and only they, are gone from the target');
    });

    it('measures a percentage threshold against the objects it manages', async () => {
      await h.json(['connection', 'update', 'acme', '--deletion-threshold', '20%']);
      h.file('users.csv', users(0, 8)); // 2 of 10 managed: 20%, not above it
      assert.equal((await h.json(['sync', 'acme'])).summary.deleted, 2);
      assert.deepEqual([...(await h.targetUsers()).keys()].sort(), usernames(0, 8));
      h.file('users.csv', users(0, 6)); // 2 of 8: 25%
      assert.equal((await h.run(['sync', 'acme'])).code, 3);
      assert.deepEqual([...(await h.targetUsers()).keys()].sort(), usernames(0, 8), 'the stopped cycle deleted nothing');
    });
  });
}
