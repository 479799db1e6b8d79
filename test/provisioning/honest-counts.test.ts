import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectionsHealth } from '../../src/provisioning/connections/connection-health.js';
import { ConnectionService } from '../../src/provisioning/connections/connection-service.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const HEADER = ['userName', 'externalId', 'title'];
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

for (const backend of BACKENDS) {
  describe(`honest counts and health on ${backend}`, () => {
    let h: EngineHarness;
    before(async () => {
      h = await EngineHarness.start(backend);
    });
    after(() => h.close());

    it('an adoption that needs no change counts as adopted and sends no write; "updated" only counts writes sent', async () => {
      const existing = await h.directory.request('POST', '/Users', { schemas: [USER], userName: 'ann@acme.com', externalId: 'e1', title: 'Rep', active: true });
      assert.equal(existing.status, 201);
      await h.directory.request('POST', '/Users', { schemas: [USER], userName: 'ben@acme.com', externalId: 'e2', title: 'Old', active: true });
      h.csv('users.csv', HEADER, [['ann@acme.com', 'e1', 'Rep'], ['ben@acme.com', 'e2', 'Rep']]);
      await h.connect('adopt', { source: `file:${h.dir}/users.csv` });
      h.proxy.reset();
      const report = await h.sync('adopt');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual([report.summary.adopted, report.summary.updated, report.summary.created], [2, 0, 0], JSON.stringify(report.summary));
      const patches = h.proxy.exchanges.filter((e) => e.method === 'PATCH' || e.method === 'PUT');
      assert.equal(patches.length, 1, 'one write: the adopted user whose title differed');
      assert.equal((await h.targetUsers()).get('ben@acme.com')!.title, 'Rep');
    });

    it('a cycle stopped by the deletion threshold shows its plan, not results', async () => {
      h.csv('many.csv', HEADER, [1, 2, 3, 4].map((i) => [`m${i}@acme.com`, `m${i}`, 'Rep']));
      await h.connect('many', { source: `file:${h.dir}/many.csv`, deletionThreshold: '2', deleteAfter: '0' });
      assert.equal((await h.sync('many')).summary.created, 4);
      h.csv('many.csv', HEADER, [['m1@acme.com', 'm1', 'Rep']]);
      const stopped = await h.sync('many');
      assert.equal(stopped.cycle.status, 'stopped');
      assert.deepEqual([stopped.summary.deleted, stopped.summary.disabled, stopped.summary.updated], [0, 0, 0], 'nothing was applied');
      assert.equal(stopped.summary.planned?.deleted, 3, 'the plan it stopped');
      assert.equal((await h.targetUsers()).size >= 4, true);
    });

    it('a connection whose objects fail is not healthy', async () => {
      h.csv('bad.csv', HEADER, [['ok@acme.com', 'k1', 'Rep'], ['bad@acme.com', 'k2', 'Rep']]);
      await h.connect('bad', { source: `file:${h.dir}/bad.csv` });
      h.proxy.refuse = (method, _path, body) => (method === 'POST' && body.includes('bad@acme.com') ? { status: 400, detail: 'title is not allowed here' } : undefined);
      const report = await h.sync('bad');
      assert.deepEqual([report.cycle.status, report.summary.failed], ['completed', 1]);
      const service = new ConnectionService(h.store, h.encryptor);
      const health = connectionsHealth(await service.list(), new Date(), 30).find((c) => c.name === 'bad')!;
      assert.equal(health.health, 'failing');
      assert.equal(health.attention, true);
      assert.match(health.summary, /1 object failed in the last cycle/);
      // The next scheduled cycle holds it in escrow (failed 0): still not healthy while it waits there.
      const held = await h.sync('bad', { honourEscrow: true });
      assert.equal(held.summary.failed, 0);
      const still = connectionsHealth(await service.list(), new Date(), 30).find((c) => c.name === 'bad')!;
      assert.equal(still.health, 'failing');
      assert.match(still.summary, /wait in escrow/);
      h.proxy.refuse = () => undefined;
    });

    it('a failed adoption is a failing object: show counts it, escrow holds it, health says so', async () => {
      await h.directory.request('POST', '/Users', { schemas: [USER], userName: 'cal@acme.com', externalId: 'a1', title: 'Old', active: true });
      h.csv('refuse.csv', HEADER, [['cal@acme.com', 'a1', 'Rep']]);
      await h.connect('refuse', { source: `file:${h.dir}/refuse.csv` });
      h.proxy.refuse = (method) => (method === 'PATCH' || method === 'PUT' ? { status: 400, detail: 'title is read-only here' } : undefined);
      const report = await h.sync('refuse');
      assert.equal(report.summary.failed, 1, JSON.stringify(report.summary));
      const service = new ConnectionService(h.store, h.encryptor);
      const shown = await service.get('refuse');
      assert.equal(shown.managed.failing, 1, 'show counts the object whose adoption failed');
      assert.equal(shown.escrow.objects, 1);
      assert.ok(shown.escrow.nextRetry, 'it waits in escrow');
      const state = (await h.store.loadObjects(shown.id)).find((s) => s.key === 'a1')!;
      assert.equal(state.targetId, null, 'it is not linked: the next attempt looks it up again');
      assert.match(state.lastError ?? '', /read-only/);
      const held = await h.sync('refuse', { honourEscrow: true });
      assert.equal(held.summary.failed, 0);
      const health = connectionsHealth(await service.list(), new Date(), 30).find((c) => c.name === 'refuse')!;
      assert.equal(health.health, 'failing', health.summary);
      h.proxy.refuse = () => undefined;
      const retried = await h.sync('refuse');
      assert.equal(retried.summary.adopted, 1, JSON.stringify(retried.summary));
      assert.equal((await service.get('refuse')).managed.failing, 0);
      assert.equal((await h.targetUsers()).get('cal@acme.com')!.title, 'Rep');
    });
  });
}
