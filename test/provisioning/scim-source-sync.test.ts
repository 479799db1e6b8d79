import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import type { EngineHarness } from './support/engine-harness.js';
import type { FaultProxy } from './support/fault-proxy.js';
import { ScimSourceFixture } from './support/scim-source-fixture.js';
import { assertChanged, assertSeeded, CHANGED_SUMMARY, pick, ScimPeople } from './support/scim-people.js';

for (const backend of BACKENDS) {
  describe(`SCIM source → scimd on ${backend}`, () => {
    let source: TestServer;
    let h: EngineHarness;
    let idp: ScimPeople;
    let reads: FaultProxy;

    let fixture: ScimSourceFixture;
    before(async () => {
      fixture = await ScimSourceFixture.start(backend);
      ({ source, idp, reads, h } = fixture);
    });
    after(() => fixture?.close());

    it('reads users and groups page by page (cursors) and provisions them with managers and members', async () => {
      const report = await h.sync('mirror');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: 7, updated: 0, disabled: 0, deleted: 0, unchanged: 0, failed: 0 });
      await assertSeeded(h);
      const paths = reads.exchanges.map((e) => `${e.method} ${e.path}`);
      assert.ok(paths.some((r) => r.startsWith('GET /scim/v2/Users')) && paths.some((r) => r.startsWith('GET /scim/v2/Groups')), paths.join('\n'));
      assert.ok(paths.every((r) => r.startsWith('GET ')), 'the source is only read');
      assert.ok(reads.exchanges.every((e) => e.authorization === `Bearer ${idp.directory.secret}`), 'with the source secret');
      // Besides the pages, one probe of the meta.lastModified filter (scim-source-incremental.test.ts).
      const userPages = paths.filter((r) => r.startsWith('GET /scim/v2/Users') && !r.includes('filter='));
      assert.equal(userPages.length, 3, 'five users, two per page');
      assert.ok(userPages.slice(1).every((r) => /[?&]cursor=[^&]+/.test(r)), `the server offers cursors (RFC 9865), so later pages follow them:\n${userPages.join('\n')}`);
    });

    it('a cycle with nothing changed in the source sends nothing to the target', async () => {
      h.proxy.reset();
      const report = await h.sync('mirror');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 7, failed: 0 });
      assert.equal(h.proxy.exchanges.length, 0);
    });

    it('changes in the source become minimal changes on the target: update, disable, manager, membership, create, delete', async () => {
      await idp.change();
      h.proxy.reset();
      const report = await h.sync('mirror');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), CHANGED_SUMMARY);
      await assertChanged(h);
      assert.equal(h.proxy.count('PUT'), 0);
    });

    it('a secret the source refuses fails the cycle without naming the secret, and sends nothing', async () => {
      await h.connect('refused', { source: `scim+${source.baseUrl}`, sourceSecret: 'scimd_not-a-real-secret' });
      h.proxy.reset();
      const report = await h.sync('refused');
      assert.equal(report.cycle.status, 'failed');
      assert.match(report.cycle.message!, /reading scim\+http:\/\/127\.0\.0\.1:\d+\/scim\/v2/);
      assert.equal(report.cycle.message!.includes('not-a-real-secret'), false);
      assert.equal(h.proxy.exchanges.length, 0);
    });
  });
}
