import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionService } from '../../src/provisioning/connections/connection-service.js';
import { DirectorySource } from '../../src/provisioning/sources/directory/directory-source.js';
import { openConnectionStore } from '../../src/provisioning/store/open-connection-store.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { EngineHarness } from './support/engine-harness.js';
import { assertChanged, assertSeeded, CHANGED_SUMMARY, pick, ScimPeople } from './support/scim-people.js';

for (const backend of BACKENDS) {
  describe(`hub: scimd directory → scimd directory on ${backend}`, () => {
    let hub: TestServer;
    let h: EngineHarness;
    let idp: ScimPeople;

    before(async () => {
      // An identity provider provisions into directory "idp-a" of the hub; the engine runs on
      // the hub's database and fans out to the harness's scimd (another server, another database).
      hub = await startTestServer(backend);
      idp = new ScimPeople(await hub.createDirectory('idp-a'));
      h = await EngineHarness.start(backend);
      await h.store.close();
      h.store = await openConnectionStore(hub.databaseUrl);
      await idp.seed();
      await h.connect('fan-out', { source: 'directory:idp-a', deleteAfter: '0' });
    });
    after(async () => {
      await h?.close();
      await hub?.close();
    });

    const peek = async () => {
      const connection = (await h.store.findConnection('fan-out'))!;
      return new DirectorySource({ kind: 'directory', directory: 'idp-a' }).read({ connectionId: connection.id, store: h.store, preview: true });
    };

    it('the first cycle reads the whole directory and provisions users, managers, groups and members', async () => {
      const report = await h.sync('fan-out');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: 7, updated: 0, disabled: 0, deleted: 0, unchanged: 0, failed: 0 });
      await assertSeeded(h);
    });

    it('a no-op cycle reads only the event sequence and sends nothing to the target', async () => {
      const read = await peek();
      // Lifecycle events (the IdP's secret first used) may follow, but no user or group changed.
      assert.match(read.readNote!, /^no event since sequence \d+$|^0 changed objects from events/);
      h.proxy.reset();
      const report = await h.sync('fan-out');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 7, failed: 0 });
      assert.equal(h.proxy.exchanges.length, 0);
      assert.match((await peek()).readNote!, /^no event since sequence \d+$/, 'the cycle remembered the last event');
    });

    it('an incremental cycle follows the event feed and sends only what changed', async () => {
      await idp.change();
      const read = await peek();
      assert.match(read.readNote!, /^6 changed objects from events \d+ to \d+$/, 'alice, bob, carol, dave, erin and Sales');

      h.proxy.reset();
      const report = await h.sync('fan-out');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), CHANGED_SUMMARY);
      await assertChanged(h);
      const target = await h.targetUsers();
      const untouched = [target.get('cora')!.id, (await h.targetGroups()).get('Engineering')!.id];
      assert.ok(h.proxy.exchanges.every((e) => !untouched.some((id) => e.path.includes(id))), 'nothing was sent about the unchanged objects');
      const writes = h.proxy.exchanges.filter((e) => e.method !== 'GET');
      assert.deepEqual(writes.map((e) => e.method).sort(), ['DELETE', 'PATCH', 'PATCH', 'PATCH', 'PATCH', 'POST'], 'a POST for dave, PATCHes for alice, bob, carol and Sales, a DELETE for erin');
      const lookups = h.proxy.exchanges.filter((e) => e.method === 'GET');
      assert.ok(lookups.length > 0 && lookups.every((e) => decodeURIComponent(e.path).includes('dave')), 'the only reads look up the new user');

      h.proxy.reset();
      const again = await h.sync('fan-out');
      assert.equal(again.summary.unchanged, 7);
      assert.equal(h.proxy.exchanges.length, 0, 'and the cycle after it sends nothing');
    });

    it('when events were purged before a cycle read them, the next cycle reads the whole directory again', async () => {
      await idp.patch('Users', 'cora', [{ op: 'replace', path: 'title', value: 'Chair' }]);
      await h.store.directoryStore().purgeEvents(new Date(Date.now() + 60_000).toISOString());
      assert.match((await peek()).readNote!, /^full read up to event \d+$/);
      h.proxy.reset();
      const report = await h.sync('fan-out');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 1, disabled: 0, deleted: 0, unchanged: 6, failed: 0 });
      assert.equal((await h.targetUsers()).get('cora')!.title, 'Chair');
      assert.deepEqual(h.proxy.exchanges.map((e) => e.method), ['PATCH']);
    });

    it('deleting the connection forgets what its source remembered', async () => {
      const connection = (await h.store.findConnection('fan-out'))!;
      const remembered = await h.store.loadSourceCache(connection.id);
      assert.equal(remembered.records.length, 7);
      assert.equal((remembered.state as { directoryId: string }).directoryId, idp.directory.id);
      assert.equal(await h.store.deleteConnection(connection.id), true);
      assert.deepEqual(await h.store.loadSourceCache(connection.id), { state: null, records: [] });
    });

    it('a directory that does not exist fails the cycle with a clear message', async () => {
      await h.connect('missing', { source: 'directory:no-such-directory' });
      const report = await h.sync('missing');
      assert.equal(report.cycle.status, 'failed');
      assert.match(report.cycle.message!, /No directory "no-such-directory" on this database/);
    });

    it('Test Connection names the source directory, or says it does not exist', async () => {
      const service = new ConnectionService(h.store, h.encryptor);
      await h.connect('tested', { source: 'directory:idp-a' });
      const report = await service.test('tested');
      assert.equal(report.ok, true, JSON.stringify(report.steps, null, 2));
      const found = report.steps.find((s) => s.step === 'Source directory')!;
      assert.equal(found.side, 'source');
      assert.equal(found.detail, `directory idp-a (${idp.directory.id}) on this database`);
      const missing = await service.test('missing');
      assert.equal(missing.ok, false);
      assert.deepEqual(missing.steps.filter((s) => s.side === 'source').map((s) => `${s.step}: ${s.status}`), ['Source directory: failed', 'Source read: skipped']);
      assert.match(missing.steps[0].detail, /no directory "no-such-directory" on this database; see "scimd directory list"/);
    });
  });
}
