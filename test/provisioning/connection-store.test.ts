import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS, type ConnectionRecord } from '../../src/provisioning/connections/connection.js';
import { newState, type ObjectState } from '../../src/provisioning/planner/object-state.js';
import type { ConnectionStore, LogEntry, StateBatch } from '../../src/provisioning/store/connection-store.js';
import { openConnectionStore } from '../../src/provisioning/store/open-connection-store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

function connection(id: string, name: string): ConnectionRecord {
  return {
    id,
    name,
    source: { kind: 'file', users: '/tmp/users.csv' },
    targetUrl: 'https://app.example.com/scim/v2',
    credentialKind: 'bearer',
    encryptedCredential: 'v1:abc',
    credentialExpiresAt: null,
    mappings: null,
    scoping: { users: 'department eq "Sales"' },
    settings: { ...DEFAULT_SETTINGS },
    created: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-01T00:00:00.000Z',
    quarantine: null,
    allowDeletes: false,
    credentialState: null,
    targetProfile: null,
  };
}
const batch = (partial: Partial<StateBatch>): StateBatch => ({ upserts: [], deletes: [], membershipAdds: [], membershipRemoves: [], membershipRemovesOfMember: [], log: [], ...partial });
const entry = (cycleId: string, key: string, result: LogEntry['result']): LogEntry => ({ cycleId, at: '2026-01-01T00:00:00.000Z', type: 'User', key, targetId: null, action: 'create', result, status: null, detail: null, changes: { attributes: { userName: key } } });

for (const backend of BACKENDS) {
  describe(`the connection store on ${backend}`, () => {
    let database: TestDatabase;
    let store: ConnectionStore;
    before(async () => {
      database = await createTestDatabase(backend);
      store = await openConnectionStore(database.url);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    it('keeps connections, finds them by id or by name in any case, and refuses a second of the same name', async () => {
      await store.createConnection(connection('c1', 'Acme'));
      await store.createConnection(connection('c2', 'beta'));
      assert.deepEqual((await store.findConnection('ACME'))?.id, 'c1');
      assert.deepEqual(await store.findConnection('c2'), connection('c2', 'beta'));
      assert.deepEqual((await store.listConnections()).map((c) => c.name), ['Acme', 'beta']);
      await assert.rejects(store.createConnection(connection('c3', 'acme')), /A connection named "acme" already exists/);
      const changed = { ...connection('c2', 'beta'), targetUrl: 'https://other/scim', mappings: { users: [{ target: 'userName', source: 'upn', matching: 1 }] } };
      await store.updateConnection(changed);
      assert.deepEqual(await store.findConnection('c2'), changed);
    });

    it('commits object state, memberships and log lines in one batch, last upsert of a key winning', async () => {
      const a: ObjectState = { ...newState('User', 'a'), targetId: 't-a', ownership: 'created', sent: { userName: 'a', active: true } };
      await store.commit('c1', batch({
        upserts: [{ ...a, targetId: null, phase: 'creating' }, a, { ...newState('Group', 'g'), targetId: 't-g', ownership: 'adopted' }, { ...newState('User', 'b'), targetId: 't-b' }],
        membershipAdds: [{ group: 'g', member: 'a' }, { group: 'g', member: 'b' }, { group: 'g', member: 'a' }],
        log: [entry('cy1', 'a', 'success'), entry('cy1', 'b', 'failure'), entry('cy2', 'a', 'planned')],
      }));
      const states = await store.loadObjects('c1');
      assert.deepEqual(states.find((s) => s.key === 'a'), a);
      assert.equal(states.length, 3);
      assert.deepEqual((await store.loadMemberships('c1')).map((m) => `${m.group}/${m.member}`).sort(), ['g/a', 'g/b']);

      await store.commit('c1', batch({ deletes: [{ type: 'User', key: 'b' }], membershipRemovesOfMember: ['b'], membershipRemoves: [{ group: 'g', member: 'a' }] }));
      assert.deepEqual((await store.loadObjects('c1')).map((s) => s.key).sort(), ['a', 'g']);
      assert.deepEqual(await store.loadMemberships('c1'), []);
      await store.commit('c1', batch({ membershipAdds: [{ group: 'g', member: 'a' }] }));
      await store.commit('c1', batch({ deletes: [{ type: 'Group', key: 'g' }] }));
      assert.deepEqual(await store.loadMemberships('c1'), [], "a deleted group's memberships go with it");
    });

    it('reads the log by cycle, object and result, newest lines within the limit, in order', async () => {
      assert.deepEqual((await store.readLog('c1', { cycleId: 'cy1', limit: 10 })).map((e) => e.key), ['a', 'b']);
      assert.deepEqual((await store.readLog('c1', { key: 'A', limit: 10 })).map((e) => e.cycleId), ['cy1', 'cy2']);
      assert.deepEqual((await store.readLog('c1', { result: 'failure', limit: 10 })).map((e) => e.key), ['b']);
      assert.deepEqual((await store.readLog('c1', { limit: 1 })).map((e) => e.cycleId), ['cy2']);
      assert.deepEqual((await store.readLog('c1', { cycleId: 'cy1', limit: 10 }))[0].changes, { attributes: { userName: 'a' } });
      assert.deepEqual(await store.readLog('c2', { limit: 10 }), []);
    });

    it('records cycles, and marks the ones a dead process left running as interrupted', async () => {
      await store.startCycle({ id: 'cy1', connectionId: 'c1', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, dryRun: false, status: 'running', summary: null, message: null });
      await store.startCycle({ id: 'cy2', connectionId: 'c1', startedAt: '2026-01-02T00:00:00.000Z', finishedAt: null, dryRun: true, status: 'running', summary: null, message: null });
      const summary = { created: 1, updated: 0, disabled: 0, deleted: 0, unchanged: 0, failed: 0, durationMs: 5, requests: 2, retries: 0, sourceProblems: [], deprovisions: 0 };
      await store.finishCycle('cy2', 'completed', '2026-01-02T00:00:01.000Z', summary, null);
      assert.equal(await store.interruptRunningCycles('c1'), 1);
      const cycles = await store.listCycles('c1', 10);
      assert.deepEqual(cycles.map((c) => [c.id, c.status, c.dryRun]), [['cy2', 'completed', true], ['cy1', 'interrupted', false]]);
      assert.deepEqual(cycles[0].summary, summary);
      assert.deepEqual((await store.findCycle('cy1'))?.status, 'interrupted');
    });

    it('lets one process at a time hold the cycle lease, and takes over an expired or dead one', async () => {
      const now = '2026-01-01T00:00:00.000Z';
      const alive = () => false;
      assert.equal(await store.acquireLease('c1', 'host:1:a', '2026-01-01T00:01:00.000Z', now, alive), true);
      assert.equal(await store.acquireLease('c1', 'host:2:b', '2026-01-01T00:01:00.000Z', now, alive), false, 'held');
      assert.equal(await store.acquireLease('c1', 'host:2:b', '2026-01-01T00:02:00.000Z', '2026-01-01T00:01:30.000Z', alive), true, 'expired');
      assert.equal(await store.renewLease('c1', 'host:1:a', '2026-01-01T00:05:00.000Z'), false, 'the old owner lost it');
      assert.equal(await store.acquireLease('c1', 'host:3:c', '2026-01-01T00:03:00.000Z', now, (owner) => owner === 'host:2:b'), true, 'its owner died');
      await store.releaseLease('c1', 'host:3:c');
      assert.equal(await store.acquireLease('c1', 'host:4:d', '2026-01-01T00:03:00.000Z', now, alive), true, 'released');
      const results = await Promise.all(['x', 'y', 'z'].map((o) => store.acquireLease('c2', `host:9:${o}`, '2026-01-01T00:03:00.000Z', now, alive)));
      assert.equal(results.filter(Boolean).length, 1, 'of three at once, one wins');
    });

    it('keeps quarantine, a released threshold and credential upkeep apart from the definition, and swaps a credential only if it is still the expected one', async () => {
      const quarantine = { reason: 'credentials' as const, detail: 'refused', since: '2026-01-02T00:00:00.000Z' };
      await store.setQuarantine('c2', quarantine);
      await store.setAllowDeletes('c2', true);
      await store.setCredentialState('c2', { expirySource: 'entered', warned: [30] });
      const profile = { probedAt: '2026-01-02T00:00:00.000Z', keepsMembersOnPost: false, showsMembersOnGet: null, largestAcceptedBatch: 100, refusedBatch: 101 };
      await store.setTargetProfile('c2', profile);
      await store.updateConnection({ ...connection('c2', 'beta'), scoping: {} });
      const kept = (await store.findConnection('c2'))!;
      assert.deepEqual([kept.quarantine, kept.allowDeletes, kept.credentialState, kept.targetProfile], [quarantine, true, { expirySource: 'entered', warned: [30] }, profile], 'an update of the definition leaves them');
      await store.setQuarantine('c2', null);
      await store.setAllowDeletes('c2', false);
      assert.deepEqual([(await store.findConnection('c2'))!.quarantine, (await store.findConnection('c2'))!.allowDeletes], [null, false]);

      const swap = { kind: 'bearer' as const, encrypted: 'v1:new', expiresAt: '2027-01-01T00:00:00.000Z', state: { expirySource: 'target' as const }, updated: '2026-01-03T00:00:00.000Z' };
      assert.equal(await store.replaceCredential('c2', { ...swap, expected: 'v1:other' }), false, 'someone replaced it meanwhile');
      assert.equal((await store.findConnection('c2'))!.encryptedCredential, 'v1:abc');
      assert.equal(await store.replaceCredential('c2', { ...swap, expected: 'v1:abc' }), true);
      const swapped = (await store.findConnection('c2'))!;
      assert.deepEqual([swapped.encryptedCredential, swapped.credentialExpiresAt, swapped.credentialState], ['v1:new', '2027-01-01T00:00:00.000Z', { expirySource: 'target' }]);
    });

    it('pages the log by action and position, and knows the next escrow retry', async () => {
      const lines = ['p1', 'p2', 'p3'].map((key) => entry('cy9', key, 'success'));
      await store.commit('c2', batch({ log: [...lines, { ...entry('cy9', 'p4', 'success'), action: 'update' }] }));
      const newest = await store.readLog('c2', { action: 'create', limit: 2 });
      assert.deepEqual(newest.map((e) => e.key), ['p2', 'p3']);
      const older = await store.readLog('c2', { action: 'create', limit: 2, before: newest[0].seq });
      assert.deepEqual(older.map((e) => e.key), ['p1']);

      assert.equal(await store.nextEscrowRetry('c2'), null);
      const failing = (key: string, retryAt: string): ObjectState => ({ ...newState('User', key), failures: 1, lastError: 'no', retryAt });
      await store.commit('c2', batch({ upserts: [failing('f1', '2026-01-01T02:00:00.000Z'), failing('f2', '2026-01-01T01:00:00.000Z'), { ...newState('User', 'ok'), retryAt: '2026-01-01T00:00:00.000Z' }] }));
      assert.equal(await store.nextEscrowRetry('c2'), '2026-01-01T01:00:00.000Z', 'the soonest; an object without failures is in no escrow');
    });

    it('deletes a connection with everything it kept', async () => {
      assert.equal(await store.deleteConnection('c1'), true);
      assert.equal(await store.findConnection('c1'), undefined);
      assert.deepEqual(await store.loadObjects('c1'), []);
      assert.deepEqual(await store.readLog('c1', { limit: 10 }), []);
      assert.deepEqual(await store.listCycles('c1', 10), []);
      assert.equal(await store.deleteConnection('c1'), false);
    });
  });
}
