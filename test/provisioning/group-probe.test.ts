import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionService } from '../../src/provisioning/connections/connection-service.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { peerQuirks } from './support/peer-quirks.js';

for (const backend of BACKENDS) {
  describe(`Test Connection learns how the target treats groups on ${backend}`, () => {
    let h: EngineHarness;
    let service: ConnectionService;
    const plain = { transform: undefined as never, rewrite: undefined as never, refuse: undefined as never };

    before(async () => {
      h = await EngineHarness.start(backend);
      Object.assign(plain, { transform: h.proxy.transform, rewrite: h.proxy.rewrite, refuse: h.proxy.refuse });
      h.csv('users.csv', ['userName', 'externalId'], [['a@acme.com', 'a']]);
      await h.connect('probe', { source: `file:${h.dir}/users.csv`, membersPerRequest: '10' });
      service = new ConnectionService(h.store, h.encryptor, { clientOptions: { retry: { baseMs: 5, capMs: 20 } } });
    });
    after(() => h.close());

    it('on a target without users it says what it could not learn, and writes nothing', async () => {
      h.proxy.reset();
      const report = await service.test('probe');
      const step = report.steps.find((s) => s.step === 'Group writes')!;
      assert.equal(step.status, 'warning');
      assert.match(step.detail, /no users/);
      assert.equal(h.proxy.count('POST', 'PATCH', 'DELETE'), 0);
    });

    it('on scimd: POST keeps members, GET shows them, a batch of 10 goes through; the probe group is gone afterwards', async () => {
      for (let i = 0; i < 12; i++) await h.directory.request('POST', '/Users', { userName: `seed${i}@acme.com` });
      const report = await service.test('probe');
      assert.equal(report.ok, true, JSON.stringify(report.steps));
      const profile = (await h.store.findConnection('probe'))!.targetProfile!;
      assert.deepEqual([profile.keepsMembersOnPost, profile.showsMembersOnGet, profile.largestAcceptedBatch, profile.refusedBatch], [true, true, 10, null]);
      assert.equal((await h.targetGroups()).size, 0, 'the probe group was deleted');
      const shown = await service.get('probe');
      assert.equal(shown.targetProfile?.showsMembersOnGet, true);
    });

    it('on a Jackson-like target with a cap of 4 members: POST unknown, GET hides members, 5 accepted, 10 refused', async () => {
      peerQuirks.dropMembersOnPost(h.proxy);
      peerQuirks.hideMembers(h.proxy);
      peerQuirks.memberCap(h.proxy, 5);
      try {
        const report = await service.test('probe');
        assert.equal(report.ok, true, 'what the probe learns is a warning, not a failure');
        const step = report.steps.find((s) => s.step === 'Group writes')!;
        assert.equal(step.status, 'warning');
        const profile = (await h.store.findConnection('probe'))!.targetProfile!;
        assert.deepEqual([profile.keepsMembersOnPost, profile.showsMembersOnGet, profile.largestAcceptedBatch, profile.refusedBatch], [null, false, 5, 10]);
        assert.equal((await h.targetGroups()).size, 0, 'the probe group was deleted');
      } finally {
        Object.assign(h.proxy, plain);
      }
    });
  });
}
