import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { provisionOnDemand, type OnDemandReport } from '../../src/provisioning/engine/provision-on-demand.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { peerQuirks } from './support/peer-quirks.js';

/** Two groups: one of three members, one of eight. */
const GROUPS: Record<string, number[]> = { small: [0, 1, 2], large: [3, 4, 5, 6, 7, 8, 9, 10] };

for (const backend of BACKENDS) {
  describe(`a group provisioned on demand, with up to five members, on a Jackson-like target (${backend})`, () => {
    let h: EngineHarness;
    const onDemand = async (group: string, members?: string[]): Promise<OnDemandReport> =>
      provisionOnDemand({ store: h.store, encryptor: h.encryptor, connection: (await h.store.findConnection('app'))!, key: group, group: members ? { members } : {}, clientOptions: { retry: { baseMs: 5, capMs: 50 }, settleMs: 100 } });
    /** The members the target really holds, by userName (read from scimd itself, not through the quirky proxy). */
    const membersOf = async (displayName: string) => {
      const nameOf = new Map([...(await h.targetUsers()).values()].map((u) => [u.id as string, u.userName as string]));
      const group = (await h.targetGroups()).get(displayName);
      return group ? ((group.members ?? []) as { value: string }[]).map((m) => nameOf.get(m.value)).sort() : undefined;
    };
    const writes = () => h.proxy.exchanges.filter((e) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(e.method));

    before(async () => {
      h = await EngineHarness.start(backend);
      peerQuirks.dropMembersOnPost(h.proxy);
      peerQuirks.hideMembers(h.proxy);
      h.csv('users.csv', ['userName', 'externalId', 'displayName'], Array.from({ length: 12 }, (_, i) => [`user${i}@acme.com`, `e${i}`, `User ${i}`]));
      h.csv('groups.csv', ['displayName', 'externalId'], Object.keys(GROUPS).map((key) => [`Group ${key}`, key]));
      h.csv('memberships.csv', ['group', 'member'], Object.entries(GROUPS).flatMap(([key, members]) => members.map((i) => [key, `e${i}`])));
      await h.connect('app', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/groups.csv`, memberships: `${h.dir}/memberships.csv` });
    });
    after(() => h.close());

    it('a group of three: its members are created, then the group, then the memberships, step by step', async () => {
      const report = await onDemand('small');
      assert.equal(report.ok, true, JSON.stringify(report.steps, null, 1));
      assert.equal(report.group, 'small');
      assert.deepEqual(report.steps.slice(0, 3).map((s) => [s.step, s.status]), [['Source', 'ok'], ['Members', 'ok'], ['Mapping', 'ok']]);
      assert.match(report.steps[0].detail, /with 3 members/);
      assert.ok(report.steps.some((s) => s.step === 'Target: create group small' && s.status === 'ok'));
      assert.deepEqual(await membersOf('Group small'), ['user0@acme.com', 'user1@acme.com', 'user2@acme.com']);
      assert.equal((await h.targetUsers()).size, 3, 'no other user was provisioned');
      assert.equal((await h.targetGroups()).has('Group large'), false);
    });

    it('a group of eight is refused without naming its members, and nothing is sent', async () => {
      h.proxy.reset();
      const report = await onDemand('large');
      assert.equal(report.ok, false);
      assert.match(report.steps.find((s) => s.step === 'Members')!.detail, /the group has 8 members; name up to 5 of them with --member/);
      assert.deepEqual(writes(), []);
      assert.equal(report.cycleId, null);
    });

    it('a key that is not a member, or six members, is refused', async () => {
      const stranger = await onDemand('large', ['e3', 'e0']);
      assert.match(stranger.steps.find((s) => s.step === 'Members')!.detail, /not members of the group in the source: e0/);
      const six = await onDemand('large', ['e3', 'e4', 'e5', 'e6', 'e7', 'e8']);
      assert.equal(six.ok, false);
      assert.deepEqual(writes(), []);
    });

    it('two named members of the large group: only they are provisioned and added; a second run adds two more and removes nothing', async () => {
      const first = await onDemand('large', ['E3', 'e4']);
      assert.equal(first.ok, true, JSON.stringify(first.steps, null, 1));
      assert.deepEqual(await membersOf('Group large'), ['user3@acme.com', 'user4@acme.com']);
      assert.equal((await h.targetUsers()).has('user5@acme.com'), false);
      const second = await onDemand('large', ['e5', 'e6']);
      assert.equal(second.ok, true, JSON.stringify(second.steps, null, 1));
      assert.deepEqual(await membersOf('Group large'), ['user3@acme.com', 'user4@acme.com', 'user5@acme.com', 'user6@acme.com']);
    });

    it('the next cycle provisions the rest, and knows what on demand did (no duplicates)', async () => {
      const report = await h.sync('app');
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      assert.deepEqual(await membersOf('Group large'), GROUPS.large.map((i) => `user${i}@acme.com`).sort());
      assert.equal((await h.targetGroups()).size, 2);
      assert.equal((await h.targetUsers()).size, 12);
    });
  });
}
