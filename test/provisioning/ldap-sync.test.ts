import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareSource } from '../../src/provisioning/engine/prepare-source.js';
import { LdapSource } from '../../src/provisioning/sources/ldap/ldap-source.js';
import type { LdapSourceSpec } from '../../src/provisioning/sources/ldap/ldap-source-spec.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { Slapd } from './support/slapd.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function person(uid: string, given: string, sn: string, extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    objectClass: ['inetOrgPerson', 'scimdTestAccount'],
    uid,
    cn: `${given} ${sn}`,
    givenName: given,
    sn,
    displayName: `${given} ${sn}`,
    mail: `${uid}@example.test`,
    userPassword: 'never-leaves-ldap',
    ...extra,
  };
}

for (const backend of BACKENDS) {
  describe(`LDAP (slapd) → scimd on ${backend}`, () => {
    let h: EngineHarness;
    let ldap: Slapd;
    const dn = (uid: string) => `uid=${uid},ou=people,dc=example,dc=test`;
    const group = (cn: string) => `cn=${cn},ou=groups,dc=example,dc=test`;

    before(async () => {
      ldap = await Slapd.start();
      h = await EngineHarness.start(backend);
      await ldap.add(dn('cora'), person('cora', 'Cora', 'Chief', { title: 'CEO', employeeNumber: '1', departmentNumber: 'Board' }));
      await ldap.add(dn('alice'), person('alice', 'Alice', 'Smith', { title: 'Rep', departmentNumber: 'Sales', telephoneNumber: '+1 555 0100', manager: dn('cora') }));
      await ldap.add(dn('bob'), person('bob', 'Bob', 'Jones', { title: 'Rep', departmentNumber: 'Sales', manager: `UID=Alice, OU=People, DC=example, DC=test` }));
      await ldap.add(dn('carol'), person('carol', 'Carol', 'Ng', { title: 'Engineer', departmentNumber: 'Eng', manager: dn('cora'), userAccountControl: '512' }));
      await ldap.add(dn('erin'), person('erin', 'Erin', 'Ek', { title: 'Auditor', manager: dn('cora') }));
      await ldap.add(group('sales'), { objectClass: ['groupOfNames'], cn: 'sales', member: [dn('alice'), dn('bob')] });
      await ldap.add(group('eng'), { objectClass: ['groupOfUniqueNames'], cn: 'eng', uniqueMember: [dn('carol'), group('sales')] });
      await h.connect('corp', {
        source: `${ldap.url}/dc=example,dc=test`,
        bindDn: ldap.rootDn,
        sourceSecret: ldap.rootPassword,
        pageSize: '2', // several pages even for this small directory (RFC 2696 paging)
        deleteAfter: '0',
      });
    });
    after(async () => {
      await h?.close();
      await ldap?.stop();
    });

    const source = async (incremental = true) => {
      const connection = (await h.store.findConnection('corp'))!;
      return new LdapSource({ ...(connection.source as LdapSourceSpec), incremental }).read({ connectionId: connection.id, store: h.store, encryptor: h.encryptor, preview: true });
    };

    it('an initial cycle creates every user with the default LDAP mappings, managers from DNs, and groups with members', async () => {
      const report = await h.sync('corp');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: 7, updated: 0, disabled: 0, deleted: 0, unchanged: 0, failed: 0 });
      assert.deepEqual(report.summary.sourceProblems, [], 'the nested group member is not a problem');

      const users = await h.targetUsers();
      assert.deepEqual([...users.keys()].sort(), ['alice', 'bob', 'carol', 'cora', 'erin']);
      const alice = users.get('alice')!;
      assert.deepEqual(alice.name, { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith' });
      assert.deepEqual(alice.emails, [{ type: 'work', value: 'alice@example.test' }]);
      assert.deepEqual(alice.phoneNumbers, [{ type: 'work', value: '+1 555 0100' }]);
      assert.equal(alice.title, 'Rep');
      assert.equal(alice.displayName, 'Alice Smith');
      assert.equal(alice.active, true);
      assert.equal(alice.externalId, await ldap.entryUuid(dn('alice')), 'externalId is the entryUUID');
      assert.equal(alice[ENTERPRISE].department, 'Sales');
      assert.equal(alice[ENTERPRISE].manager.value, users.get('cora')!.id);
      assert.equal(users.get('cora')![ENTERPRISE].employeeNumber, '1');
      assert.equal(users.get('bob')![ENTERPRISE].manager.value, alice.id, 'a manager DN spelt differently resolves');
      assert.equal(JSON.stringify([...users.values()]).includes('never-leaves-ldap'), false, 'passwords are never read into the engine');

      const groups = await h.targetGroups();
      const members = (name: string) => ((groups.get(name)!.members ?? []) as { value: string }[]).map((m) => m.value).sort();
      assert.deepEqual(members('sales'), [alice.id, users.get('bob')!.id].sort());
      assert.deepEqual(members('eng'), [users.get('carol')!.id], 'uniqueMember resolves; the nested group is not expanded');
      assert.equal(groups.get('sales')!.externalId, await ldap.entryUuid(group('sales')));
    });

    it('a cycle with nothing changed reads no changed entry and sends nothing', async () => {
      const read = await source();
      assert.match(read.readNote!, /^0 changed entries since \d{14}Z$/);
      h.proxy.reset();
      const report = await h.sync('corp');
      assert.deepEqual(pick(report.summary), { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 7, failed: 0 });
      assert.equal(h.proxy.exchanges.length, 0);
    });

    it('changes in LDAP are read incrementally and go out as minimal PATCHes: update, disable (userAccountControl), manager, membership, delete', async () => {
      await ldap.replace(dn('alice'), { title: 'Senior Rep' });
      await ldap.replace(dn('carol'), { userAccountControl: '514' }); // ACCOUNTDISABLE
      await ldap.replace(dn('bob'), { manager: dn('carol') });
      await ldap.add(dn('dave'), person('dave', 'Dave', 'Diaz', { title: 'Intern', manager: dn('carol') }));
      await ldap.replace(group('sales'), { member: [dn('alice'), dn('dave')] });
      await ldap.remove(dn('erin'));

      const read = await source();
      assert.match(read.readNote!, /^6 changed entries since/, 'four users and a group changed, one user is gone');

      h.proxy.reset();
      const report = await h.sync('corp');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual(pick(report.summary), { created: 1, updated: 3, disabled: 1, deleted: 1, unchanged: 2, failed: 0 });
      assert.equal(h.proxy.count('GET'), 1, 'one lookup: the new user');
      assert.equal(h.proxy.count('POST'), 1);
      assert.equal(h.proxy.count('DELETE'), 1);

      const users = await h.targetUsers();
      assert.equal(users.get('alice')!.title, 'Senior Rep');
      assert.equal(users.get('carol')!.active, false);
      assert.equal(users.get('bob')![ENTERPRISE].manager.value, users.get('carol')!.id);
      assert.equal(users.get('dave')![ENTERPRISE].manager.value, users.get('carol')!.id);
      assert.equal(users.has('erin'), false, 'deleted in LDAP, deleted on the target (delete-after 0)');
      const sales = (await h.targetGroups()).get('sales')!;
      assert.deepEqual((sales.members as { value: string }[]).map((m) => m.value).sort(), [users.get('alice')!.id, users.get('dave')!.id].sort());
    });

    it('without incremental reads, a full read finds the same changes by content hash', async () => {
      await ldap.replace(dn('dave'), { title: 'Engineer' });
      const full = await source(false);
      assert.match(full.readNote!, /^full read, 1 changed entries$/);
      const dave = full.users.find((u) => u.attributes.uid === 'dave')!;
      assert.equal(dave.attributes.title, 'Engineer');
      assert.equal(full.users.length, 5);
    });

    it('scoping filters see the LDAP attributes, the DN included', async () => {
      const connection = (await h.store.findConnection('corp'))!;
      const scoped = { ...connection, scoping: { users: 'dn sw "uid=alice," or title eq "Engineer"' } };
      const prepared = await prepareSource(scoped, new Date(), { store: h.store, encryptor: h.encryptor, preview: true });
      const inScope = prepared.users.filter((u) => u.inScope).map((u) => u.mapped!.attributes.userName);
      assert.deepEqual(inScope.sort(), ['alice', 'carol', 'dave']);
    });

    it('a wrong bind password fails the cycle with a clear message and sends nothing', async () => {
      const connection = (await h.store.findConnection('corp'))!;
      const spec = connection.source as LdapSourceSpec;
      await h.store.updateConnection({ ...connection, source: { ...spec, encryptedPassword: h.encryptor.encrypt('wrong') } });
      h.proxy.reset();
      const report = await h.sync('corp');
      assert.equal(report.cycle.status, 'failed');
      assert.match(report.cycle.message!, /binding to ldap:\/\/127\.0\.0\.1:\d+ as cn=admin,dc=example,dc=test failed/);
      assert.equal(report.cycle.message!.includes('wrong'), false);
      assert.equal(h.proxy.exchanges.length, 0);
      await h.store.updateConnection(connection);
    });
  });
}

function pick(summary: { created: number; updated: number; disabled: number; deleted: number; unchanged: number; failed: number }) {
  const { created, updated, disabled, deleted, unchanged, failed } = summary;
  return { created, updated, disabled, deleted, unchanged, failed };
}
