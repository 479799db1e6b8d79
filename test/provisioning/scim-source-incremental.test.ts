import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionService } from '../../src/provisioning/connections/connection-service.js';
import { ScimSource, type ScimSourceSpec } from '../../src/provisioning/sources/scim/scim-source.js';
import { BACKENDS } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import type { EngineHarness } from './support/engine-harness.js';
import type { FaultProxy } from './support/fault-proxy.js';
import { ScimSourceFixture } from './support/scim-source-fixture.js';
import { pick, ScimPeople } from './support/scim-people.js';

for (const backend of BACKENDS) {
  describe(`SCIM source read incrementally (meta.lastModified) on ${backend}`, () => {
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

    /** The Users and Groups reads the last cycle sent to the source. */
    const resourceReads = () => reads.exchanges.map((e) => decodeURIComponent(e.path)).filter((p) => /^\/scim\/v2\/(Users|Groups)\b/.test(p));
    /** A read of the source as the engine does it, without the overlap window, not remembered (preview). */
    const exactRead = async () => {
      const connection = (await h.store.findConnection('mirror'))!;
      return new ScimSource(connection.source as ScimSourceSpec, { overlapMs: 0 }).read({ connectionId: connection.id, store: h.store, encryptor: h.encryptor, preview: true });
    };

    it('the first cycle reads everything and probes the changes filter once', async () => {
      const report = await h.sync('mirror');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(report.summary.created, 7);
      const probes = resourceReads().filter((p) => p.includes('filter=meta.lastModified gt'));
      assert.equal(probes.length, 1, resourceReads().join('\n'));
      assert.ok(reads.exchanges.some((e) => e.path === '/scim/v2/ServiceProviderConfig'), 'filter support is read from the ServiceProviderConfig');
      const connection = (await h.store.findConnection('mirror'))!;
      const state = (await h.store.loadSourceCache(connection.id)).state as { changesFilter: boolean; watermark: string };
      assert.equal(state.changesFilter, true);
      assert.ok(!Number.isNaN(Date.parse(state.watermark)), `a watermark: ${state.watermark}`);
    });

    /** The source's clock moves on (the test server's clock is moved, never slept on). */
    const later = (minutes: number) => {
      source.clock.now = new Date(source.clock.now.getTime() + minutes * 60_000);
    };

    it('a change in the source reaches the target', async () => {
      later(10);
      await idp.patch('Users', 'bob', [{ op: 'replace', path: 'title', value: 'Lead' }]);
      reads.reset();
      const report = await h.sync('mirror');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 1, disabled: 0, deleted: 0, unchanged: 6, failed: 0 });
      assert.equal((await h.targetUsers()).get('bob')?.title, 'Lead');
      const paths = resourceReads();
      for (const path of paths) assert.match(path, /filter=meta\.lastModified gt "[^"]+"|attributes=id(&|$)/, `every read is a changes read or an id listing:\n${paths.join('\n')}`);
    });

    it('a cycle with nothing changed reads in full only what changed within the overlap window, and sends nothing', async () => {
      reads.reset();
      h.proxy.reset();
      const report = await h.sync('mirror');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 7, failed: 0 });
      assert.equal(h.proxy.exchanges.length, 0);
      const paths = resourceReads();
      for (const path of paths) assert.match(path, /filter=meta\.lastModified gt "[^"]+"|attributes=id(&|$)/, `every read is a changes read or an id listing:\n${paths.join('\n')}`);
      assert.equal(paths.filter((p) => p.includes('filter=')).length, 2, `one page of changes per endpoint:\n${paths.join('\n')}`);

      // As the engine reads: only bob, changed a minute before the newest timestamp, comes back in full.
      const connection = (await h.store.findConnection('mirror'))!;
      const context = { connectionId: connection.id, store: h.store, encryptor: h.encryptor, preview: true };
      const usual = await new ScimSource(connection.source as ScimSourceSpec).read(context);
      assert.match(usual.readNote!, /^1 resources changed since \S+ read, 0 removed \(0 changed objects\)/);
      assert.equal(usual.users.length, 5);
      // Without the overlap window, nothing at all.
      assert.match((await exactRead()).readNote!, /^0 resources changed since \S+ read, 0 removed/);
    });

    it('a deletion in the source is found by the id listing and propagated, memberships too', async () => {
      later(10);
      await idp.remove('Users', 'carol');
      const exact = await exactRead();
      assert.match(exact.readNote!, /removed/);
      assert.equal(exact.users.length, 4);

      const report = await h.sync('mirror');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(report.summary.deleted, 1, JSON.stringify(report.summary));
      assert.equal((await h.targetUsers()).has('carol'), false);
      assert.deepEqual((await h.targetGroups()).get('Engineering')?.members ?? [], [], 'her membership is gone on the target');
      assert.deepEqual(report.summary.sourceProblems, [], 'a deleted member does not linger in a cached group');
      const again = await h.sync('mirror');
      assert.deepEqual(pick(again.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 6, failed: 0 });
    });

    it('Test Connection checks the SCIM source first: reachable, secret accepted, ServiceProviderConfig, a probe, a preview read', async () => {
      const service = new ConnectionService(h.store, h.encryptor);
      const report = await service.test('mirror');
      assert.equal(report.ok, true, JSON.stringify(report.steps, null, 2));
      const source = report.steps.filter((s) => s.side === 'source');
      assert.deepEqual(source.map((s) => `${s.step}: ${s.status}`), [
        'Source reachable: ok',
        'Source TLS: ok',
        'Source authentication: ok',
        'Source ServiceProviderConfig: ok',
        'Source user probe: ok',
        'Source read: ok',
      ]);
      assert.match(source[4].detail, /^GET \/Users answered with 4 users in all$/);
      assert.equal(report.source, `scim+${reads.baseUrl}`);

      await h.connect('refused-source', { source: `scim+${reads.baseUrl}`, sourceSecret: 'scimd_not-the-secret' });
      const refused = await service.test('refused-source');
      assert.equal(refused.ok, false);
      const auth = refused.steps.find((s) => s.step === 'Source authentication')!;
      assert.equal(auth.status, 'failed');
      assert.match(auth.detail, /the SCIM source refused the secret/);
      assert.ok(!JSON.stringify(refused).includes('scimd_not-the-secret'));
    });
  });
}

// Whether the source filters on meta.lastModified does not depend on the engine's database: one backend is enough.
describe('SCIM source that cannot filter on meta.lastModified: every cycle reads everything, compared by content', () => {
  let h: EngineHarness;
  let idp: ScimPeople;
  let reads: FaultProxy;
  let fixture: ScimSourceFixture;
  before(async () => {
    fixture = await ScimSourceFixture.start(BACKENDS[0]);
    ({ idp, reads, h } = fixture);
  });
  after(() => fixture?.close());

  const resourceReads = () => reads.exchanges.map((e) => decodeURIComponent(e.path)).filter((p) => /^\/scim\/v2\/(Users|Groups)\b/.test(p));
  const position = async (name: string) => (await h.store.loadSourceCache((await h.store.findConnection(name))!.id)).state as { changesFilter: boolean };

  it('a source whose ServiceProviderConfig says it cannot filter is never probed and is read in full; a change and a deletion still propagate, and an unchanged cycle sends nothing', async () => {
    reads.rewrite = (method, path, body) => (method === 'GET' && path.endsWith('/ServiceProviderConfig') ? JSON.stringify({ ...JSON.parse(body), filter: { supported: false, maxResults: 0 } }) : body);
    const first = await h.sync('mirror');
    assert.equal(first.cycle.status, 'completed', first.cycle.message ?? '');
    assert.equal(first.summary.created, 7);
    assert.equal((await position('mirror')).changesFilter, false);
    assert.deepEqual(resourceReads().filter((p) => p.includes('filter=')), [], 'no probe of a filter the source says it lacks');

    await idp.patch('Users', 'bob', [{ op: 'replace', path: 'title', value: 'Lead' }]);
    reads.reset();
    const changed = await h.sync('mirror');
    assert.deepEqual(pick(changed.summary), { created: 0, updated: 1, disabled: 0, deleted: 0, unchanged: 6, failed: 0 });
    assert.equal((await h.targetUsers()).get('bob')?.title, 'Lead');
    const paths = resourceReads();
    assert.ok(paths.length > 0 && paths.every((p) => !p.includes('filter=') && !p.includes('attributes=id')), `full reads only:\n${paths.join('\n')}`);

    await idp.remove('Users', 'carol');
    const removed = await h.sync('mirror');
    assert.equal(removed.summary.deleted, 1, JSON.stringify(removed.summary));
    assert.equal((await h.targetUsers()).has('carol'), false);

    h.proxy.reset();
    const unchanged = await h.sync('mirror');
    assert.deepEqual(pick(unchanged.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 6, failed: 0 });
    assert.equal(h.proxy.exchanges.length, 0, 'the same content hashes the same: nothing is sent');
  });

  it('a source that says it filters but ignores the filter fails the probe and is read in full', async () => {
    // Answers the probe with an unfiltered page, as a server that ignores `filter` would.
    let unfiltered = '';
    reads.rewrite = (method, path, body) => {
      if (method !== 'GET' || !path.includes('/Users')) return body;
      if (!decodeURIComponent(path).includes('filter=')) unfiltered = body;
      return decodeURIComponent(path).includes('filter=meta.lastModified gt') && unfiltered ? unfiltered : body;
    };
    await h.connect('ignorer', { source: `scim+${reads.baseUrl}`, sourceSecret: idp.directory.secret, pageSize: '2', deleteAfter: '0' });
    reads.reset();
    const report = await h.sync('ignorer');
    assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
    assert.equal(resourceReads().filter((p) => p.includes('filter=meta.lastModified gt')).length, 1, 'probed once');
    assert.equal((await position('ignorer')).changesFilter, false);
  });
});
