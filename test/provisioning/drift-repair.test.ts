import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { applyConnectionInput } from '../../src/provisioning/connections/connection-input.js';
import { runConnectionCycle } from '../../src/provisioning/engine/connection-cycle.js';
import { EngineHarness } from './support/engine-harness.js';

const USERS = 16;
const GROUPS: Record<string, number[]> = { first: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], second: [10, 11, 12, 13, 14] };

function writeSource(h: EngineHarness): void {
  h.csv('users.csv', ['userName', 'externalId', 'displayName'], Array.from({ length: USERS }, (_, i) => [`user${i}@acme.com`, `e${i}`, `User ${i}`]));
  h.csv('groups.csv', ['displayName', 'externalId'], Object.keys(GROUPS).map((key) => [`Group ${key}`, key]));
  h.csv('memberships.csv', ['group', 'member'], Object.entries(GROUPS).flatMap(([key, members]) => members.map((i) => [key, `e${i}`])));
}

/** Group displayName → sorted userNames of its members, as the target holds them. */
async function realMemberships(h: EngineHarness): Promise<Record<string, string[]>> {
  const nameOf = new Map([...(await h.targetUsers()).values()].map((u) => [u.id as string, u.userName as string]));
  const result: Record<string, string[]> = {};
  for (const [name, group] of await h.targetGroups()) result[name] = ((group.members ?? []) as { value: string }[]).map((m) => nameOf.get(m.value) ?? m.value).sort();
  return result;
}

const desiredMemberships = Object.fromEntries(Object.entries(GROUPS).map(([key, members]) => [`Group ${key}`, members.map((i) => `user${i}@acme.com`).sort()]));
const writes = (h: EngineHarness) => h.proxy.exchanges.filter((e) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(e.method));

for (const backend of BACKENDS) {
  describe(`full reconcile repairs changes made inside the app (${backend})`, () => {
    let h: EngineHarness;
    const idOf = async (userName: string) => (await h.targetUsers()).get(userName)!.id as string;
    const groupId = async (name: string) => (await h.targetGroups()).get(name)!.id as string;

    before(async () => {
      h = await EngineHarness.start(backend);
      writeSource(h);
      await h.connect('app', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/groups.csv`, memberships: `${h.dir}/memberships.csv` });
      const first = await h.sync('app');
      assert.equal(first.summary.failed, 0, first.cycle.message ?? '');
      assert.deepEqual(await realMemberships(h), desiredMemberships);

      // Someone changes things inside the app, behind the engine's back.
      const patch = (path: string, Operations: unknown[]) => h.directory.request('PATCH', path, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
      await patch(`/Users/${await idOf('user3@acme.com')}`, [{ op: 'replace', path: 'displayName', value: 'Renamed in the app' }]);
      await patch(`/Users/${await idOf('user4@acme.com')}`, [{ op: 'replace', path: 'active', value: false }]);
      await patch(`/Users/${await idOf('user6@acme.com')}`, [{ op: 'add', path: 'nickName', value: 'Six' }]);
      await h.directory.request('DELETE', `/Users/${await idOf('user5@acme.com')}`);
      await patch(`/Groups/${await groupId('Group first')}`, [
        { op: 'remove', path: `members[value eq "${await idOf('user1@acme.com')}"]` },
        { op: 'add', path: 'members', value: [{ value: await idOf('user15@acme.com') }] },
      ]);
      await h.directory.request('DELETE', `/Groups/${await groupId('Group second')}`);
    });
    after(() => h.close());

    it('an ordinary cycle trusts what it last sent and repairs nothing', async () => {
      h.proxy.reset();
      const report = await h.sync('app');
      assert.equal(report.cycle.status, 'completed');
      assert.deepEqual(writes(h), []);
      assert.equal((await h.targetUsers()).get('user3@acme.com')!.displayName, 'Renamed in the app');
    });

    it('a full dry run reads the target back and plans the repairs without sending them', async () => {
      h.proxy.reset();
      const report = await h.sync('app', { full: true, dryRun: true });
      assert.deepEqual(writes(h), []);
      assert.match(report.cycle.message ?? '', /^Full reconcile: read 16 objects back from the target; 5 objects differed from what was last sent; 2 of them no longer on the target/);
      const planned = report.plan!.steps.map((s) => `${s.action} ${s.type} ${s.key}`).sort();
      assert.ok(planned.includes('update User e3'), planned.join('\n'));
      assert.ok(planned.includes('update User e4'), planned.join('\n'));
      assert.ok(planned.includes('create User e5'), planned.join('\n'));
      assert.ok(planned.includes('create Group second'), planned.join('\n'));
      assert.ok(!planned.some((s) => s.endsWith(' e6')), 'a value set on a path the mappings do not manage is no difference');
    });

    it('a full cycle repairs every difference: values, a deactivation, deleted users and groups, members added and removed in the app', async () => {
      h.proxy.reset();
      const report = await h.sync('app', { full: true });
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      assert.deepEqual(report.summary.drift, { read: 16, differed: 5, missing: 2, membershipsChecked: true });
      const users = await h.targetUsers();
      assert.equal(users.size, USERS);
      assert.equal(users.get('user3@acme.com')!.displayName, 'User 3');
      assert.equal(users.get('user4@acme.com')!.active, true);
      assert.equal(users.get('user5@acme.com')!.displayName, 'User 5');
      assert.equal(users.get('user6@acme.com')!.nickName, 'Six', 'a value the mappings do not manage survives');
      assert.deepEqual(await realMemberships(h), desiredMemberships);
    });

    it('a second full cycle finds nothing to repair and sends nothing', async () => {
      h.proxy.reset();
      const report = await h.sync('app', { full: true });
      assert.deepEqual(writes(h), []);
      assert.deepEqual(report.summary.drift, { read: 18, differed: 0, missing: 0, membershipsChecked: true });
      assert.equal(report.cycle.message, 'Full reconcile: read 18 objects back from the target; 0 objects differed from what was last sent.');
    });

    it('a target known to hide group members gets its values repaired and is told its members were not checked', async () => {
      const connection = (await h.store.findConnection('app'))!;
      await h.store.setTargetProfile(connection.id, { showsMembersOnGet: false });
      await h.directory.request('PATCH', `/Groups/${await groupId('Group first')}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed group' }],
      });
      h.proxy.reset();
      const report = await h.sync('app', { full: true });
      assert.equal(report.summary.drift?.membershipsChecked, false);
      assert.match(report.cycle.message ?? '', /group members not checked: the target does not show them/);
      const groupReads = h.proxy.exchanges.filter((e) => e.method === 'GET' && e.path.includes('/Groups'));
      assert.ok(groupReads.every((e) => e.path.includes('excludedAttributes=members')), 'members are not asked for');
      assert.ok((await h.targetGroups()).has('Group first'));
      assert.deepEqual(await realMemberships(h), desiredMemberships);
    });
  });

  describe(`a periodic full reconcile (${backend})`, () => {
    let h: EngineHarness;
    const start = new Date('2026-12-01T08:00:00Z');
    const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000);
    /** A cycle as the schedule starts it, at a given hour. */
    const scheduled = async (hours: number) =>
      runConnectionCycle({ store: h.store, encryptor: h.encryptor, connection: (await h.store.findConnection('app'))!, scheduled: true, honourEscrow: true, now: () => at(hours), clientOptions: { retry: { baseMs: 5, capMs: 50 }, settleMs: 100 } });
    const deleteInApp = async (userName: string) => h.directory.request('DELETE', `/Users/${(await h.targetUsers()).get(userName)!.id}`);

    before(async () => {
      h = await EngineHarness.start(backend);
      writeSource(h);
      await h.connect('app', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/groups.csv`, memberships: `${h.dir}/memberships.csv` });
      const connection = (await h.store.findConnection('app'))!;
      await h.store.updateConnection(applyConnectionInput(connection, { fullSyncEvery: '24h' }, h.encryptor, start));
    });
    after(() => h.close());

    it('refuses an interval under an hour, or no duration at all', async () => {
      const connection = (await h.store.findConnection('app'))!;
      assert.throws(() => applyConnectionInput(connection, { fullSyncEvery: '30min' }, h.encryptor, start), /--full-sync-every "30min" is a duration of at least 1h/);
      assert.throws(() => applyConnectionInput(connection, { fullSyncEvery: 'daily' }, h.encryptor, start), /--full-sync-every "daily"/);
    });

    it('the first scheduled cycle is a full one, and remembers when it ran', async () => {
      const report = await scheduled(0);
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      assert.ok(report.summary.drift, 'a full reconcile');
      assert.equal((await h.store.findConnection('app'))!.targetProfile?.lastFullSyncAt, report.cycle.finishedAt);
    });

    it('scheduled cycles before the interval has passed trust what was sent; the first after it repairs the app', async () => {
      await deleteInApp('user7@acme.com');
      const early = await scheduled(23);
      assert.equal(early.summary.drift, undefined);
      assert.equal((await h.targetUsers()).has('user7@acme.com'), false, 'not repaired by an ordinary cycle');
      const due = await scheduled(24);
      assert.deepEqual(due.summary.drift, { read: 17, differed: 1, missing: 1, membershipsChecked: true });
      assert.equal((await h.targetUsers()).has('user7@acme.com'), true);
      assert.deepEqual(await realMemberships(h), desiredMemberships);
    });

    it('a cycle run by hand is full only when asked, whatever the interval', async () => {
      await deleteInApp('user8@acme.com');
      const byHand = await runConnectionCycle({ store: h.store, encryptor: h.encryptor, connection: (await h.store.findConnection('app'))!, now: () => at(100) });
      assert.equal(byHand.summary.drift, undefined);
      assert.equal((await h.targetUsers()).has('user8@acme.com'), false);
    });
  });
}
