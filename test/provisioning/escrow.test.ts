import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const HEADER = ['userName', 'externalId', 'title'];
const MINUTE = 60_000;

for (const backend of BACKENDS) {
  describe(`escrow on ${backend}`, () => {
    let h: EngineHarness;
    let connectionId: string;
    const start = new Date();
    const at = (minutes: number) => () => new Date(start.getTime() + minutes * MINUTE);

    before(async () => {
      h = await EngineHarness.start(backend);
      h.csv('users.csv', HEADER, [['ann@acme.com', 'e1', 'Rep'], ['ben@acme.com', 'e2', 'Rep']]);
      connectionId = (await h.connect('acme', { source: `file:${h.dir}/users.csv` })).id;
    });
    after(() => h.close());

    it('a failed object waits in escrow: scheduled cycles hold it until its retry time, then retry it', async () => {
      h.proxy.decide = (method, _path, body) => (method === 'POST' && body.includes('ben@acme.com') ? '500' : 'pass');
      const failing = await h.sync('acme', { honourEscrow: true, now: at(0) });
      assert.equal(failing.summary.created, 1);
      assert.equal(failing.summary.failed, 1);
      const state = (await h.store.loadObjects(connectionId)).find((s) => s.key === 'e2')!;
      assert.equal(state.failures, 1);
      assert.equal(state.retryAt, at(5)().toISOString(), 'the first retry is five minutes later');
      assert.equal(await h.store.nextEscrowRetry(connectionId), state.retryAt, 'the scheduler sees when it is due');

      h.proxy.decide = () => 'pass';
      const posts = h.proxy.count('POST');
      const held = await h.sync('acme', { honourEscrow: true, now: at(2) });
      assert.equal(h.proxy.count('POST'), posts, 'nothing was sent for it');
      const [skipped] = await h.store.readLog(connectionId, { cycleId: held.cycle.id, result: 'skipped', limit: 10 });
      assert.equal(skipped.key, 'e2');
      assert.match(skipped.detail!, /in escrow after 1 failed attempt/);
      assert.ok(!(await h.targetUsers()).has('ben@acme.com'));

      const retried = await h.sync('acme', { honourEscrow: true, now: at(6) });
      assert.equal(retried.summary.created, 1);
      assert.ok((await h.targetUsers()).has('ben@acme.com'));
      const cleared = (await h.store.loadObjects(connectionId)).find((s) => s.key === 'e2')!;
      assert.equal(cleared.failures, 0);
      assert.equal(cleared.retryAt, null);
      assert.equal(await h.store.nextEscrowRetry(connectionId), null);
    });

    it('each further failure waits longer', async () => {
      h.csv('users.csv', HEADER, [['ann@acme.com', 'e1', 'Lead'], ['ben@acme.com', 'e2', 'Rep']]);
      h.proxy.decide = (method) => (method === 'PATCH' ? '500' : 'pass');
      await h.sync('acme', { honourEscrow: true, now: at(10) });
      await h.sync('acme', { honourEscrow: true, now: at(16) });
      const state = (await h.store.loadObjects(connectionId)).find((s) => s.key === 'e1')!;
      assert.equal(state.failures, 2);
      assert.equal(state.retryAt, at(16 + 15)().toISOString(), 'the second retry waits fifteen minutes');
      assert.equal((await h.targetUsers()).get('ann@acme.com')!.title, 'Rep', 'the failed update did not reach the target');
      h.proxy.decide = () => 'pass';
      const asked = await h.sync('acme', { now: at(17) });
      assert.equal(asked.summary.updated, 1, 'a cycle an admin asks for retries everything at once');
      assert.equal((await h.targetUsers()).get('ann@acme.com')!.title, 'Lead', 'the retried update is on the target');
      const retried = (await h.store.loadObjects(connectionId)).find((s) => s.key === 'e1')!;
      assert.equal(retried.failures, 0);
      assert.equal(retried.retryAt, null);
    });
  });
}
