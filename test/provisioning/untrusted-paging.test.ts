import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { peerQuirks } from './support/peer-quirks.js';

const USERS = 23;
const GROUPS = 8;
const PAGE_CAP = 5;

const writes = (h: EngineHarness) => h.proxy.exchanges.filter((e) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(e.method));
const gets = (h: EngineHarness, pattern: RegExp) => h.proxy.exchanges.filter((e) => e.method === 'GET' && pattern.test(e.path)).length;

for (const backend of BACKENDS) {
  describe(`full reconcile against a target that pages like Jackson: totalResults is the page's length, and its group list repeats the first page (${backend})`, () => {
    let h: EngineHarness;

    before(async () => {
      h = await EngineHarness.start(backend);
      peerQuirks.pageLengthAsTotal(h.proxy, PAGE_CAP);
      peerQuirks.groupsListFromTheStart(h.proxy);
      h.csv('users.csv', ['userName', 'externalId', 'displayName'], Array.from({ length: USERS }, (_, i) => [`user${i}@acme.com`, `e${i}`, `User ${i}`]));
      h.csv('groups.csv', ['displayName', 'externalId'], Array.from({ length: GROUPS }, (_, g) => [`Group ${g}`, `g${g}`]));
      h.csv('memberships.csv', ['group', 'member'], Array.from({ length: USERS }, (_, i) => [`g${i % GROUPS}`, `e${i}`]));
      await h.connect('app', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/groups.csv`, memberships: `${h.dir}/memberships.csv` });
      const first = await h.sync('app');
      assert.equal(first.summary.failed, 0, first.cycle.message ?? '');
    });
    after(() => h.close());

    it('reads every user and group back in bounded requests, so nothing is recreated and nothing is written', async () => {
      h.proxy.reset();
      const report = await h.sync('app', { full: true });
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(writes(h), []);
      assert.deepEqual(report.summary.drift, { read: USERS + GROUPS, differed: 0, missing: 0, membershipsChecked: true });
      // Users: five pages of 5 or fewer, then the empty page that ends them.
      assert.equal(gets(h, /\/Users\?/), Math.ceil(USERS / PAGE_CAP) + 1);
      // Groups: the first page, its repetition, then each group it never showed, by its matching displayName.
      assert.equal(gets(h, /\/Groups\?(?!filter)/), 2);
      assert.equal(gets(h, /\/Groups\?filter=displayName/), GROUPS - PAGE_CAP);
      assert.equal(gets(h, /\/Groups\/[^?]/), 0);
    });

    it('a user deleted inside the app is still found missing (404 by id) and created again', async () => {
      const gone = (await h.targetUsers()).get('user7@acme.com')!;
      await h.directory.request('DELETE', `/Users/${gone.id}`);
      h.proxy.reset();
      const report = await h.sync('app', { full: true });
      assert.equal(report.summary.failed, 0, report.cycle.message ?? '');
      assert.equal(report.summary.drift?.missing, 1);
      assert.deepEqual(writes(h).filter((e) => e.method === 'POST').map((e) => JSON.parse(e.body).userName), ['user7@acme.com']);
      assert.equal(gets(h, new RegExp(`/Users/${gone.id}`)), 1, 'looked up by userName, then by id');
      assert.equal((await h.targetUsers()).size, USERS);
    });
  });
}
