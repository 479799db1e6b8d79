import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const HEADER = ['userName', 'externalId', 'name.givenName', 'name.familyName', 'emails[type eq "work"].value', 'title', 'active', 'department', 'manager'];
type Row = (string | boolean)[];
const PEOPLE: Record<string, Row> = {
  e0: ['ceo@acme.com', 'e0', 'Cora', 'Chief', 'ceo@acme.com', 'CEO', true, 'Board', ''],
  e1: ['alice@acme.com', 'e1', 'Alice', 'Smith', 'alice@acme.com', 'Rep', true, 'Sales', 'e0'],
  e2: ['bob@acme.com', 'e2', 'Bob', 'Jones', 'bob@acme.com', 'Rep', true, 'Sales', 'alice@acme.com'],
  e3: ['carol@acme.com', 'e3', 'Carol', 'Ng', 'carol@acme.com', 'Engineer', true, 'Eng', 'e0'],
  e4: ['dave@acme.com', 'e4', 'Dave', 'Diaz', 'dave@acme.com', 'Engineer', true, 'Eng', 'e3'],
  e5: ['eve@acme.com', 'e5', 'Eve', 'Ek', 'eve@acme.com', 'Auditor', true, 'Board', 'e0'],
};

for (const backend of BACKENDS) {
  describe(`CSV → scimd on ${backend}`, () => {
    let h: EngineHarness;
    let people: Record<string, Row>;
    const writeUsers = () => h.csv('users.csv', HEADER, Object.values(people));
    const writeMemberships = (rows: [string, string][]) => h.csv('memberships.csv', ['group', 'member'], rows);

    // The engine's clock: it moves only when a test moves it, so "2 s after the deletion" is exact.
    const clock = { now: new Date() };
    const sync = (name: string, options: Parameters<EngineHarness['sync']>[1] = {}) => h.sync(name, { now: () => clock.now, ...options });

    before(async () => {
      h = await EngineHarness.start(backend);
      people = structuredClone(PEOPLE);
      writeUsers();
      h.csv('groups.csv', ['displayName', 'externalId'], [['Sales', 'g1'], ['Engineering', 'g2'], ['Everyone', 'g3']]);
      writeMemberships([['g1', 'e1'], ['g1', 'e2'], ['g2', 'e3'], ['g2', 'e4'], ...Object.keys(PEOPLE).map((k) => ['g3', k] as [string, string])]);
      // Already on the target before the engine arrives: eve matches by userName and is adopted;
      // the outsider is not in the source and must never be touched.
      await h.directory.request('POST', '/Users', { userName: 'eve@acme.com', title: 'Old title', active: true });
      await h.directory.request('POST', '/Users', { userName: 'outsider@acme.com', title: 'Not yours' });
      await h.directory.request('POST', '/Groups', { displayName: 'Outsiders' });
      await h.connect('acme', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/groups.csv`, memberships: `${h.dir}/memberships.csv`, deleteAfter: '2s' });
    });
    after(() => h.close());

    it('an initial cycle creates users with their managers in the POST, adopts the match, and creates groups with members', async () => {
      const report = await sync('acme');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: 8, updated: 1, disabled: 0, deleted: 0, unchanged: 0, failed: 0 });
      assert.equal(h.proxy.count('POST'), 8, 'five users and three groups, one POST each');
      const patches = h.proxy.exchanges.filter((e) => e.method === 'PATCH' && e.path.includes('/Users/'));
      assert.equal(patches.length, 2, 'the adopted user, then its manager (created in this cycle); new users carry theirs in the POST');
      const memberPatches = h.proxy.exchanges.filter((e) => e.method === 'PATCH' && e.path.includes('/Groups/'));
      assert.equal(memberPatches.length, 3, 'groups are created empty, then their members added by one PATCH each (as Entra)');
      assert.ok(patches.every((p) => p.path.endsWith(`/Users/${patches[0].path.split('/').pop()}`)), 'both PATCHes are for the adopted user');
      assert.equal(h.proxy.count('DELETE'), 0);

      const users = await h.targetUsers();
      assert.equal(users.size, 7, 'six people and the outsider, no duplicate of eve');
      const alice = users.get('alice@acme.com')!;
      assert.deepEqual(alice.name, { givenName: 'Alice', familyName: 'Smith' });
      assert.deepEqual(alice.emails, [{ type: 'work', value: 'alice@acme.com' }]);
      assert.equal(alice.active, true);
      assert.equal(alice[ENTERPRISE].department, 'Sales');
      assert.ok(alice.schemas.includes(ENTERPRISE));
      assert.equal(alice[ENTERPRISE].manager.value, users.get('ceo@acme.com')!.id);
      assert.equal(users.get('bob@acme.com')![ENTERPRISE].manager.value, alice.id, 'a manager named by userName resolves too');
      assert.equal(users.get('dave@acme.com')![ENTERPRISE].manager.value, users.get('carol@acme.com')!.id);
      assert.equal(users.get('eve@acme.com')!.title, 'Auditor', 'the adopted user was updated');
      assert.equal(users.get('outsider@acme.com')!.title, 'Not yours');

      const groups = await h.targetGroups();
      const idsOf = (name: string) => (groups.get(name)!.members as { value: string }[]).map((m) => m.value).sort();
      assert.deepEqual(idsOf('Sales'), [alice.id, users.get('bob@acme.com')!.id].sort());
      assert.equal(idsOf('Everyone').length, 6);
      assert.deepEqual(groups.get('Outsiders')!.members ?? [], []);
    });

    it('a cycle with nothing changed sends no request at all', async () => {
      h.proxy.reset();
      const report = await sync('acme');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 9, failed: 0 });
      assert.equal(report.summary.requests, 0);
      assert.equal(h.proxy.exchanges.length, 0);
    });

    it('the dry-run plan is exactly what the next real run does, and changes go out as minimal PATCHes', async () => {
      people.e1[5] = 'Senior Rep';
      people.e2[6] = false; // disabled in the source
      people.e3[7] = 'Sales';
      people.e2[8] = 'e3'; // bob's manager changes
      delete people.e4; // dave leaves the source
      writeUsers();
      writeMemberships([['g1', 'e1'], ['g1', 'e2'], ['g1', 'e3'], ...Object.keys(people).map((k) => ['g3', k] as [string, string])]);
      h.proxy.reset();

      const dry = await sync('acme', { dryRun: true });
      assert.equal(h.proxy.exchanges.length, 0, 'a dry run of known objects needs no request');
      const planned = await h.store.readLog(dry.cycle.connectionId, { cycleId: dry.cycle.id, limit: 1000 });
      assert.ok(planned.every((e) => e.result === 'planned'));
      const describe = (e: { action: string; type: string; key: string; changes: unknown }) => JSON.stringify([e.action, e.type, e.key, e.changes]);
      assert.deepEqual(planned.map(describe).sort(), [
        JSON.stringify(['add-members', 'Group', 'g1', ['e3']]),
        JSON.stringify(['disable', 'User', 'e2', [{ path: 'active', from: true, to: false }]]),
        JSON.stringify(['disable', 'User', 'e4', [{ path: 'active', from: true, to: false }]]),
        JSON.stringify(['remove-members', 'Group', 'g2', ['e3', 'e4']]),
        JSON.stringify(['remove-members', 'Group', 'g3', ['e4']]),
        JSON.stringify(['set-manager', 'User', 'e2', { from: 'e1', to: 'e3' }]),
        JSON.stringify(['update', 'User', 'e1', [{ path: 'title', from: 'Rep', to: 'Senior Rep' }]]),
        JSON.stringify(['update', 'User', 'e3', [{ path: `${ENTERPRISE}:department`, from: 'Eng', to: 'Sales' }]]),
      ]);
      assert.deepEqual(pick(dry.summary), { created: 0, updated: 5, disabled: 2, deleted: 0, unchanged: 2, failed: 0 });
      assert.equal((await h.targetUsers()).get('alice@acme.com')!.title, 'Rep', 'the dry run changed nothing');

      const real = await sync('acme');
      const done = await h.store.readLog(real.cycle.connectionId, { cycleId: real.cycle.id, limit: 1000 });
      assert.ok(done.every((e) => e.result === 'success'), JSON.stringify(done.filter((e) => e.result !== 'success')));
      assert.deepEqual(done.map(describe).sort(), planned.map(describe).sort());
      assert.deepEqual(pick(real.summary), pick(dry.summary));

      assert.deepEqual([...new Set(h.proxy.exchanges.map((e) => e.method))], ['PATCH'], 'only PATCHes: no reads, no full replacements');
      for (const exchange of h.proxy.exchanges) {
        const body = JSON.parse(exchange.body);
        assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:PatchOp']);
        for (const op of body.Operations) assert.match(op.op, /^(add|replace|remove)$/, 'lowercase ops');
      }
      const disable = h.proxy.exchanges.find((e) => e.body.includes('"active"'))!;
      assert.deepEqual(JSON.parse(disable.body).Operations, [{ op: 'replace', path: 'active', value: false }], 'a real boolean');

      const users = await h.targetUsers();
      assert.equal(users.get('alice@acme.com')!.title, 'Senior Rep');
      assert.equal(users.get('bob@acme.com')!.active, false);
      assert.equal(users.get('bob@acme.com')![ENTERPRISE].manager.value, users.get('carol@acme.com')!.id);
      assert.equal(users.get('dave@acme.com')!.active, false, 'deleted in the source: disabled first');
      const groups = await h.targetGroups();
      assert.deepEqual((groups.get('Engineering')!.members ?? []).length, 0);
      assert.equal(groups.get('Sales')!.members.length, 3);
    });

    it('deletes a user once the delay after its deletion in the source has passed', async () => {
      const early = await sync('acme');
      assert.equal(early.summary.deleted, 0);
      clock.now = new Date(clock.now.getTime() + 1_999);
      assert.equal((await sync('acme')).summary.deleted, 0, 'not before the delay has passed');
      clock.now = new Date(clock.now.getTime() + 1);
      h.proxy.reset();
      const report = await sync('acme');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 0, disabled: 0, deleted: 1, unchanged: 8, failed: 0 });
      assert.deepEqual(h.proxy.exchanges.map((e) => e.method), ['DELETE']);
      assert.equal((await h.targetUsers()).has('dave@acme.com'), false);
    });

    it('records a failed object, and retries it in the next cycle', async () => {
      people.e6 = ['frank@acme.com', 'e6', 'Frank', 'Fox', 'frank@acme.com', 'Intern', true, 'Eng', 'e3'];
      writeUsers();
      h.proxy.decide = (method, _path, body) => (method === 'POST' && body.includes('frank@acme.com') ? '500' : 'pass');
      const failing = await sync('acme');
      assert.equal(failing.summary.failed, 1);
      assert.equal(failing.summary.created, 0);
      const [failure] = await h.store.readLog(failing.cycle.connectionId, { cycleId: failing.cycle.id, result: 'failure', limit: 10 });
      assert.equal(failure.key, 'e6');
      assert.equal(failure.action, 'create');
      assert.equal(failure.status, 500);
      assert.match(failure.detail!, /injected failure/);

      h.proxy.decide = () => 'pass';
      const retried = await sync('acme');
      assert.deepEqual(pick(retried.summary), { created: 1, updated: 0, disabled: 0, deleted: 0, unchanged: 8, failed: 0 });
      assert.equal((await h.targetUsers()).get('frank@acme.com')![ENTERPRISE].manager.value, (await h.targetUsers()).get('carol@acme.com')!.id);
    });

    it('never touched the objects it did not create or adopt', async () => {
      const outsider = (await h.targetUsers()).get('outsider@acme.com')!;
      assert.equal(outsider.meta.version, 'W/"1"');
      assert.equal((await h.targetGroups()).get('Outsiders')!.meta.version, 'W/"1"');
    });
  });
}

function pick(summary: { created: number; updated: number; disabled: number; deleted: number; unchanged: number; failed: number }) {
  const { created, updated, disabled, deleted, unchanged, failed } = summary;
  return { created, updated, disabled, deleted, unchanged, failed };
}
