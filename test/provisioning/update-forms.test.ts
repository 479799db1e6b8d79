import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const HEADER = ['userName', 'externalId', 'name.givenName', 'name.familyName', 'title', 'active'];
type Row = (string | boolean)[];
const people = (): Record<string, Row> => ({
  a1: ['ann@acme.com', 'a1', 'Ann', 'Lee', 'Rep', true],
  a2: ['ben@acme.com', 'a2', 'Ben', 'Ko', 'Rep', true],
  a3: ['cat@acme.com', 'a3', 'Cat', 'Ng', 'Engineer', true],
});

const patchBodies = (h: EngineHarness) => h.proxy.exchanges.filter((e) => e.method === 'PATCH').map((e) => JSON.parse(e.body) as { Operations: { op: string; path?: string; value?: unknown }[] });

/**
 * How updates reach the target: RFC 7644 PATCH by default, Entra's legacy wire format when a
 * connection asks for it, and PUT of the whole object when the target says it has no PATCH.
 */
for (const backend of BACKENDS) {
  describe(`update forms on ${backend}`, () => {
    let h: EngineHarness;
    let rows: Record<string, Row>;
    const writeUsers = () => h.csv('users.csv', HEADER, Object.values(rows));

    before(async () => {
      h = await EngineHarness.start(backend);
    });
    beforeEach(() => {
      h.proxy.decide = () => 'pass';
      h.proxy.rewrite = (_m, _p, body) => body;
      h.proxy.reset();
    });
    after(() => h.close());

    it('entra-legacy: capitalised ops, "True"/"False" strings and member removal by value list, which scimd accepts', async () => {
      rows = people();
      writeUsers();
      h.csv('legacy-groups.csv', ['displayName', 'externalId'], [['Legacy Team', 'lg1']]);
      const memberships = (pairs: [string, string][]) => h.csv('legacy-members.csv', ['group', 'member'], pairs);
      memberships([['lg1', 'a1'], ['lg1', 'a2']]);
      await h.connect('legacy', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/legacy-groups.csv`, memberships: `${h.dir}/legacy-members.csv`, wireFormat: 'entra-legacy', deleteAfter: 'never' });
      assert.equal((await h.sync('legacy')).cycle.status, 'completed');

      h.proxy.reset();
      rows.a1[4] = 'Lead';
      rows.a2[5] = false;
      writeUsers();
      memberships([['lg1', 'a1'], ['lg1', 'a3']]);
      const report = await h.sync('legacy');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(report.summary.failed, 0);

      const operations = patchBodies(h).flatMap((b) => b.Operations);
      assert.ok(operations.length >= 4, JSON.stringify(operations));
      assert.ok(operations.every((o) => ['Add', 'Replace', 'Remove'].includes(o.op)), `capitalised: ${operations.map((o) => o.op)}`);
      assert.deepEqual(operations.find((o) => o.path === 'active'), { op: 'Replace', path: 'active', value: 'False' });
      assert.deepEqual(operations.find((o) => o.path === 'title'), { op: 'Replace', path: 'title', value: 'Lead' });
      const users = await h.targetUsers();
      const removal = operations.find((o) => o.op === 'Remove');
      assert.deepEqual(removal, { op: 'Remove', path: 'members', value: [{ value: users.get('ben@acme.com')!.id }] });

      // scimd's own server took the legacy forms: the target holds what the source says.
      assert.equal(users.get('ben@acme.com')!.active, false);
      assert.equal(users.get('ann@acme.com')!.title, 'Lead');
      const team = (await h.directory.request('GET', `/Groups/${(await h.targetGroups()).get('Legacy Team')!.id}`)).body;
      assert.deepEqual(team.members.map((m: { value: string }) => m.value).sort(), [users.get('ann@acme.com')!.id, users.get('cat@acme.com')!.id].sort());
    });

    it('a target without PATCH gets PUT of the whole object: updates, disables and membership changes converge, and members the engine does not manage stay', async () => {
      // The target says it has no PATCH and refuses it; everything else is scimd's own server.
      h.proxy.rewrite = (method, path, body) => {
        if (method !== 'GET' || !path.includes('/ServiceProviderConfig')) return body;
        const config = JSON.parse(body);
        return JSON.stringify({ ...config, patch: { supported: false } });
      };
      h.proxy.decide = (method) => (method === 'PATCH' ? '501' : 'pass');
      rows = {
        p1: ['pia@acme.com', 'p1', 'Pia', 'Ray', 'Rep', true],
        p2: ['quin@acme.com', 'p2', 'Quin', 'Oh', 'Rep', true],
        p3: ['rui@acme.com', 'p3', 'Rui', 'Sa', 'Rep', true],
      };
      writeUsers();
      h.csv('put-groups.csv', ['displayName', 'externalId'], [['Put Team', 'pg1']]);
      const memberships = (pairs: [string, string][]) => h.csv('put-members.csv', ['group', 'member'], pairs);
      memberships([['pg1', 'p1'], ['pg1', 'p2']]);
      await h.connect('put', { source: `file:${h.dir}/users.csv`, groups: `${h.dir}/put-groups.csv`, memberships: `${h.dir}/put-members.csv`, deleteAfter: 'never' });
      assert.equal((await h.sync('put')).cycle.status, 'completed');

      // Someone else's member in the engine's group: a PUT must not drop it.
      const outsider = (await h.directory.request('POST', '/Users', { userName: 'outsider-put@acme.com' })).body;
      const team = (await h.targetGroups()).get('Put Team')!;
      await h.directory.request('PATCH', `/Groups/${team.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: outsider.id }] }] });

      h.proxy.reset();
      rows.p1[4] = 'Lead';
      rows.p2[5] = false;
      writeUsers();
      memberships([['pg1', 'p1'], ['pg1', 'p3']]);
      const report = await h.sync('put');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(report.summary.failed, 0);
      assert.ok(h.proxy.count('PUT') >= 3, `PUTs: ${h.proxy.count('PUT')}`);
      const methods = h.proxy.exchanges.map((e) => e.method);
      assert.ok(methods.lastIndexOf('PATCH') < methods.indexOf('PUT'), `once the target said it has no PATCH, none is tried: ${methods.join(' ')}`);
      assert.ok(h.proxy.exchanges.filter((e) => e.path.includes('/ServiceProviderConfig')).length <= 1, 'the target is asked once');

      const users = await h.targetUsers();
      assert.equal(users.get('pia@acme.com')!.title, 'Lead');
      assert.equal(users.get('pia@acme.com')!.name.givenName, 'Pia', 'the rest of the object is kept');
      assert.equal(users.get('quin@acme.com')!.active, false);
      const members = (await h.directory.request('GET', `/Groups/${team.id}`)).body.members.map((m: { value: string }) => m.value).sort();
      assert.deepEqual(members, [users.get('pia@acme.com')!.id, users.get('rui@acme.com')!.id, outsider.id].sort());

      h.proxy.reset();
      const quiet = await h.sync('put');
      assert.equal(quiet.summary.requests, 0, 'a cycle with nothing to change sends nothing');

      // Reactivation goes the same way: PUT only, the user comes back active.
      h.proxy.reset();
      rows.p2[5] = true;
      writeUsers();
      const back = await h.sync('put');
      assert.equal(back.cycle.status, 'completed', back.cycle.message ?? '');
      assert.equal(h.proxy.count('PATCH'), 0, 'no PATCH once the target said it has none');
      assert.ok(h.proxy.count('PUT') >= 1);
      assert.equal((await h.targetUsers()).get('quin@acme.com')!.active, true);
    });

    it('refuses an unknown wire format when the connection is made', async () => {
      await assert.rejects(h.connect('bad-format', { source: `file:${h.dir}/users.csv`, wireFormat: 'soap' }), /--wire-format is scim or entra-legacy/);
    });
  });
}
