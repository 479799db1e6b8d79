import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { peerQuirks } from './support/peer-quirks.js';
import { ScimSourceFixture } from './support/scim-source-fixture.js';
import { pick } from './support/scim-people.js';

const EXTRA_USERS = 4;
const USERS = 5 + EXTRA_USERS;
const GROUPS = 2 + 2;

for (const backend of BACKENDS) {
  describe(`a SCIM source that pages like Jackson (one resource a page, totalResults the page's length) on ${backend}`, () => {
    let fixture: ScimSourceFixture;
    const writes = () => fixture.h.proxy.exchanges.filter((e) => e.method !== 'GET');

    before(async () => {
      fixture = await ScimSourceFixture.start(backend);
      const { idp } = fixture;
      for (let i = 0; i < EXTRA_USERS; i++) await idp.user(`staff${i}`, 'Staff');
      await idp.group('Staff', ['staff0', 'staff1']);
      await idp.group('Audit', ['erin']);
      peerQuirks.pageLengthAsTotal(fixture.reads, 1);
    });
    after(() => fixture?.close());

    it('the first cycle reads past the reported totals and provisions every user and group exactly once', async () => {
      const report = await fixture.h.sync('mirror');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: USERS + GROUPS, updated: 0, disabled: 0, deleted: 0, unchanged: 0, failed: 0 });
      const posts = writes().filter((e) => e.method === 'POST');
      assert.equal(posts.filter((e) => /\/Users$/.test(e.path)).length, USERS);
      assert.equal(posts.filter((e) => /\/Groups$/.test(e.path)).length, GROUPS);
      assert.equal((await fixture.h.targetUsers()).size, USERS);
      assert.equal((await fixture.h.targetGroups()).size, GROUPS);
    });

    it('the next cycle (changes read, then id-only listings to find deletions) deprovisions nobody', async () => {
      fixture.h.proxy.reset();
      const report = await fixture.h.sync('mirror');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: USERS + GROUPS, failed: 0 });
      assert.deepEqual(writes(), []);
    });

    it('when its group list repeats the first page whatever startIndex asks, the cycle fails in doubt and deprovisions nothing', async () => {
      peerQuirks.groupsListFromTheStart(fixture.reads);
      fixture.h.proxy.reset();
      const report = await fixture.h.sync('mirror');
      assert.equal(report.cycle.status, 'failed');
      assert.match(report.cycle.message ?? '', /GET \/Groups: .*cannot be known to be whole/);
      assert.deepEqual(writes(), []);
      assert.equal((await fixture.h.targetGroups()).size, GROUPS);
      assert.equal((await fixture.h.targetUsers()).size, USERS);
    });
  });
}
