import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LdapSourceSpec } from '../../src/provisioning/sources/ldap/ldap-source-spec.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { Slapd } from './support/slapd.js';

const READER = 'uid=reader,ou=services,dc=example,dc=test';

for (const backend of BACKENDS) {
  describe(`an LDAP server whose paged-results limit is below the page size, on ${backend}`, () => {
    let h: EngineHarness;
    let ldap: Slapd;
    before(async () => {
      // The reader may ask for pages of at most 3 entries (OpenLDAP's size.pr), as a server capped at 250 would refuse 500.
      ldap = await Slapd.start({ limits: [`limits dn.exact="${READER}" size.pr=3`] });
      h = await EngineHarness.start(backend);
      await ldap.add('ou=services,dc=example,dc=test', { objectClass: ['organizationalUnit'], ou: 'services' });
      await ldap.add(READER, { objectClass: ['inetOrgPerson'], uid: 'reader', cn: 'reader', sn: 'Reader', userPassword: 'reader-pw' });
      for (const uid of ['ann', 'ben', 'cat', 'dan']) {
        await ldap.add(`uid=${uid},ou=people,dc=example,dc=test`, { objectClass: ['inetOrgPerson'], uid, cn: uid, sn: 'Lee', mail: `${uid}@example.test` });
      }
      await h.connect('capped', { source: `${ldap.url}/ou=people,dc=example,dc=test`, bindDn: READER, sourceSecret: 'reader-pw', pageSize: '6' });
    });
    after(async () => {
      await h?.close();
      await ldap?.stop();
    });

    it('a refused page size fails the cycle with a hint to lower --page-size; within the limit it reads everything', async () => {
      const refused = await h.sync('capped');
      assert.equal(refused.cycle.status, 'failed');
      assert.match(refused.cycle.message!, /refuses pages of 6 entries/, refused.cycle.message!);
      assert.match(refused.cycle.message!, /--page-size 3/);
      const connection = (await h.store.findConnection('capped'))!;
      await h.store.updateConnection({ ...connection, source: { ...(connection.source as LdapSourceSpec), pageSize: 3 } });
      const read = await h.sync('capped');
      assert.equal(read.cycle.status, 'completed', read.cycle.message ?? '');
      assert.equal(read.summary.created, 4, JSON.stringify(read.summary));
    });
  });

  describe(`an LDAP server whose size limit for the reading account counts the whole paged search, on ${backend}`, () => {
    let h: EngineHarness;
    let ldap: Slapd;
    const person = (i: number) => ldap.add(`uid=p${i},ou=people,dc=example,dc=test`, { objectClass: ['inetOrgPerson'], uid: `p${i}`, cn: `p${i}`, sn: 'Lee' });
    before(async () => {
      // OpenLDAP's size.prtotal: at most 25 entries per search, however they are paged.
      ldap = await Slapd.start({ limits: [`limits dn.exact="${READER}" size.prtotal=25`] });
      h = await EngineHarness.start(backend);
      await ldap.add('ou=services,dc=example,dc=test', { objectClass: ['organizationalUnit'], ou: 'services' });
      await ldap.add(READER, { objectClass: ['inetOrgPerson'], uid: 'reader', cn: 'reader', sn: 'Reader', userPassword: 'reader-pw' });
      for (let i = 0; i < 25; i++) await person(i);
      await h.connect('total', { source: `${ldap.url}/ou=people,dc=example,dc=test`, bindDn: READER, sourceSecret: 'reader-pw', pageSize: '10' });
    });
    after(async () => {
      await h?.close();
      await ldap?.stop();
    });

    it('a directory that outgrows the limit fails the cycle, says a smaller page will not help, and deprovisions nobody', async () => {
      const first = await h.sync('total');
      assert.equal(first.cycle.status, 'completed', first.cycle.message ?? '');
      assert.equal(first.summary.created, 25);
      for (let i = 25; i < 30; i++) await person(i);
      h.proxy.reset();
      const cut = await h.sync('total');
      assert.equal(cut.cycle.status, 'failed');
      assert.match(cut.cycle.message!, /ends the search at its size limit for the reading account/, cut.cycle.message!);
      assert.match(cut.cycle.message!, /a smaller --page-size does not help/);
      assert.doesNotMatch(cut.cycle.message!, /refuses pages/);
      assert.deepEqual(h.proxy.exchanges.filter((e) => e.method !== 'GET'), []);
      const users = await h.targetUsers();
      assert.equal(users.size, 25);
      assert.ok([...users.values()].every((u) => u.active === true));
    });
  });
}
