import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { peerQuirks } from './support/peer-quirks.js';

const USERS = 300;
/** Group key → member indexes: groups of 250, 120 and 10 members, as in issue 14's matrix. */
const GROUPS: Record<string, number[]> = {
  big: range(0, 250),
  mid: range(100, 220),
  small: range(290, 300),
};

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Writes the source: users (all but `gone`), three groups, and their memberships. */
function writeSource(h: EngineHarness, groups: Record<string, number[]>, gone: number[] = []): void {
  const users = range(0, USERS).filter((i) => !gone.includes(i));
  h.csv('users.csv', ['userName', 'externalId', 'displayName'], users.map((i) => [`user${i}@acme.com`, `e${i}`, `User ${i}`]));
  h.csv('groups.csv', ['displayName', 'externalId'], Object.keys(groups).map((key) => [`Group ${key}`, key]));
  h.csv('memberships.csv', ['group', 'member'], Object.entries(groups).flatMap(([key, members]) => members.map((i) => [key, `e${i}`])));
}

/** What the target really holds: group displayName → sorted userNames of its members, read from scimd itself. */
async function realMemberships(h: EngineHarness): Promise<Record<string, string[]>> {
  const users = await h.targetUsers();
  const nameOf = new Map([...users.values()].map((u) => [u.id as string, u.userName as string]));
  const result: Record<string, string[]> = {};
  for (const [name, group] of await h.targetGroups()) result[name] = ((group.members ?? []) as { value: string }[]).map((m) => nameOf.get(m.value) ?? m.value).sort();
  return result;
}

function expected(groups: Record<string, number[]>, gone: number[] = []): Record<string, string[]> {
  return Object.fromEntries(Object.entries(groups).map(([key, members]) => [`Group ${key}`, members.filter((i) => !gone.includes(i)).map((i) => `user${i}@acme.com`).sort()]));
}

const writes = (h: EngineHarness) => h.proxy.exchanges.filter((e) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(e.method));

for (const backend of BACKENDS) {
  describe(`group writes against a Jackson-like target on ${backend}`, () => {
    let h: EngineHarness;
    before(async () => {
      h = await EngineHarness.start(backend);
      // Drops members in a group POST, shows members: [] in every group answer, removes only the first term of an `or`.
      peerQuirks.dropMembersOnPost(h.proxy);
      peerQuirks.hideMembers(h.proxy);
      peerQuirks.firstTermOfOr(h.proxy);
      writeSource(h, GROUPS);
      await h.connect('jackson', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/groups.csv`, memberships: `${h.dir}/memberships.csv` });
    });
    after(() => h.close());

    it('a first cycle creates the groups empty and adds every member by PATCH, at most 100 per request', async () => {
      const report = await h.sync('jackson');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(report.summary.failed, 0);
      assert.deepEqual(await realMemberships(h), expected(GROUPS));
      const groupPosts = h.proxy.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/Groups'));
      assert.equal(groupPosts.length, 3);
      for (const post of groupPosts) assert.equal(JSON.parse(post.body).members, undefined, 'no members in the POST of a target not known to keep them');
      const patches = h.proxy.exchanges.filter((e) => e.method === 'PATCH' && e.path.includes('/Groups/'));
      for (const patch of patches) assert.ok(JSON.parse(patch.body).Operations[0].value.length <= 100);
      assert.equal(patches.length, 3 + 2 + 1, '250 members in 3 requests, 120 in 2, 10 in 1');
    });

    it('a delta cycle removes members one operation each, so a target that reads only the first term of an `or` removes them all', async () => {
      const changed = { big: range(40, 250), mid: range(100, 215), small: [...range(290, 300), ...range(215, 220)] };
      const gone = [41, 42, 43];
      writeSource(h, changed, gone);
      h.proxy.reset();
      const report = await h.sync('jackson');
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      assert.deepEqual(await realMemberships(h), expected(changed, gone));
      const removals = h.proxy.exchanges.filter((e) => e.method === 'PATCH' && e.body.includes('"remove"'));
      for (const removal of removals) for (const operation of JSON.parse(removal.body).Operations) assert.doesNotMatch(operation.path, / or /);
    });

    it('a no-op cycle sends no write', async () => {
      h.proxy.reset();
      const report = await h.sync('jackson');
      assert.equal(report.summary.failed, 0);
      assert.deepEqual(writes(h), []);
    });

    it('members a POST dropped are PATCHed, even where the profile says the target keeps them', async () => {
      const connection = (await h.store.findConnection('jackson'))!;
      await h.store.setTargetProfile(connection.id, { keepsMembersOnPost: true, showsMembersOnGet: true });
      const groups = { big: range(40, 250), mid: range(100, 215), small: [...range(290, 300), ...range(215, 220)], late: range(0, 20) };
      writeSource(h, groups, [41, 42, 43]);
      h.proxy.reset();
      const report = await h.sync('jackson');
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      const post = h.proxy.exchanges.find((e) => e.method === 'POST' && e.path.endsWith('/Groups'))!;
      assert.equal(JSON.parse(post.body).members.length, 20, 'the engine sent the members in the POST');
      assert.deepEqual((await realMemberships(h))['Group late'], expected({ late: range(0, 20) })['Group late']);
      const log = await h.store.readLog(connection.id, { cycleId: report.cycle.id, key: 'late', limit: 10 });
      assert.ok(log.some((line) => /does not list 20 of the 20 members/.test(line.detail ?? '')), JSON.stringify(log));
    });
  });

  describe(`group writes against a target that caps members per request and bodies on ${backend}`, () => {
    let h: EngineHarness;
    before(async () => {
      h = await EngineHarness.start(backend);
      peerQuirks.memberCap(h.proxy, 100); // better-auth: 400 above 100 members
      peerQuirks.bodyLimit(h.proxy, 3000); // a body limit: 413 above about 55 members
      writeSource(h, GROUPS);
      await h.connect('capped', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/groups.csv`, memberships: `${h.dir}/memberships.csv`, membersPerRequest: '250' });
    });
    after(() => h.close());

    it('splits refused batches in halves until the target takes them, and remembers the size it took', async () => {
      const report = await h.sync('capped');
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      assert.deepEqual(await realMemberships(h), expected(GROUPS));
      const statuses = new Set(h.proxy.exchanges.map((e) => e.status));
      assert.ok(statuses.has(400) && statuses.has(413), `both refusals were met: ${[...statuses]}`);
      const profile = (await h.store.findConnection('capped'))!.targetProfile!;
      assert.ok(profile.refusedBatch! > 55 && profile.largestAcceptedBatch! <= 55, JSON.stringify(profile));
    });

    it('the next cycle starts at the size the target took: no refusal at all', async () => {
      const groups = { ...GROUPS, mid: range(100, 290) };
      writeSource(h, groups);
      h.proxy.reset();
      const report = await h.sync('capped');
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      assert.deepEqual(await realMemberships(h), expected(groups));
      assert.deepEqual(h.proxy.exchanges.filter((e) => e.status === 400 || e.status === 413), []);
    });
  });
}
