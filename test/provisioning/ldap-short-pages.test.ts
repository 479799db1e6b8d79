import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { LdapPageCapProxy } from './support/ldap-page-cap-proxy.js';
import { Slapd } from './support/slapd.js';

const PEOPLE = 25;
const uid = (i: number) => `person${String(i).padStart(2, '0')}`;

for (const backend of BACKENDS) {
  describe(`an LDAP server that shortens pages instead of refusing them (Active Directory's MaxPageSize), on ${backend}`, () => {
    let h: EngineHarness;
    let ldap: Slapd;
    let proxy: LdapPageCapProxy;
    before(async () => {
      ldap = await Slapd.start();
      // slapd cannot serve fewer entries than a page asks (size.pr refuses), so the proxy asks it for 3.
      proxy = new LdapPageCapProxy(Number(new URL(ldap.url).port), 3);
      await proxy.start();
      h = await EngineHarness.start(backend);
      for (let i = 0; i < PEOPLE; i++) {
        await ldap.add(`uid=${uid(i)},ou=people,dc=example,dc=test`, { objectClass: ['inetOrgPerson'], uid: uid(i), cn: uid(i), sn: 'Page', mail: `${uid(i)}@example.test` });
      }
      await h.connect('ad-like', { source: `ldap://127.0.0.1:${proxy.port}/ou=people,dc=example,dc=test`, bindDn: ldap.rootDn, sourceSecret: ldap.rootPassword, pageSize: '10' });
    });
    after(async () => {
      await h?.close();
      await proxy?.stop();
      await ldap?.stop();
    });

    it('reads 25 entries asked for 10 a page and served 3 a page: every one provisioned exactly once, and the cycle log clean', async () => {
      const report = await h.sync('ad-like');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.ok(proxy.asked.length > 0 && proxy.asked.every((size) => size === 10), `asked ${proxy.asked.join(', ')}`);
      assert.ok(proxy.pages.join(',').includes('3,3,3,3,3,3,3,3,1'), `slapd served pages of ${proxy.pages.join(', ')}`);
      assert.equal(Math.max(...proxy.pages), 3);

      assert.equal(report.summary.created, PEOPLE, JSON.stringify(report.summary));
      assert.equal(report.summary.failed, 0);
      assert.deepEqual(report.summary.sourceProblems, []);
      const posts = h.proxy.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/Users')).map((e) => JSON.parse(e.body).userName as string);
      assert.deepEqual(posts.sort(), Array.from({ length: PEOPLE }, (_, i) => uid(i)));
      assert.deepEqual([...(await h.targetUsers()).keys()].sort(), Array.from({ length: PEOPLE }, (_, i) => uid(i)));

      const log = await h.store.readLog(report.cycle.connectionId, { cycleId: report.cycle.id, limit: 1000 });
      assert.equal(log.length, PEOPLE);
      assert.ok(log.every((e) => e.action === 'create' && e.result === 'success' && e.detail === null), JSON.stringify(log.filter((e) => e.result !== 'success' || e.detail !== null)));
      assert.equal(new Set(log.map((e) => e.key)).size, PEOPLE);
    });

    it('the next cycle reads the same short pages and writes nothing', async () => {
      h.proxy.reset();
      proxy.pages.length = 0;
      const report = await h.sync('ad-like');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(Math.max(...proxy.pages), 3);
      assert.deepEqual(h.proxy.exchanges.filter((e) => e.method !== 'GET'), []);
      assert.equal(report.summary.failed, 0);
    });
  });
}
