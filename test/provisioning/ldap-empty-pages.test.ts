import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_EMPTY_PAGES, MAX_STALLED_PAGES } from '../../src/provisioning/sources/ldap/paged-search.js';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';
import { LdapPageCapProxy } from './support/ldap-page-cap-proxy.js';
import { Slapd } from './support/slapd.js';

const PEOPLE = 25;
const uid = (i: number) => `person${String(i).padStart(2, '0')}`;

for (const backend of BACKENDS) {
  describe(`an LDAP server that answers pages with no entries but a cookie to go on with (Active Directory), on ${backend}`, () => {
    let h: EngineHarness;
    let ldap: Slapd;
    let proxy: LdapPageCapProxy;
    const writes = () => h.proxy.exchanges.filter((e) => e.method !== 'GET');

    before(async () => {
      ldap = await Slapd.start();
      proxy = new LdapPageCapProxy(Number(new URL(ldap.url).port), 3);
      await proxy.start();
      h = await EngineHarness.start(backend);
      for (let i = 0; i < PEOPLE; i++) {
        await ldap.add(`uid=${uid(i)},ou=people,dc=example,dc=test`, { objectClass: ['inetOrgPerson'], uid: uid(i), cn: uid(i), sn: 'Page', mail: `${uid(i)}@example.test` });
      }
      await h.connect('ad-like', { source: `ldap://127.0.0.1:${proxy.port}/ou=people,dc=example,dc=test`, bindDn: ldap.rootDn, sourceSecret: ldap.rootPassword, pageSize: '10', deleteAfter: '0' });
    });
    after(async () => {
      await h?.close();
      await proxy?.stop();
      await ldap?.stop();
    });

    it('the first cycle goes on past two empty pages and provisions every entry exactly once', async () => {
      proxy.emptyPages = 2;
      const report = await h.sync('ad-like');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(proxy.emptyPages, 0, 'both empty pages were served');
      assert.ok(proxy.pages.join(',').includes('3,0,0,3'), `pages of ${proxy.pages.join(', ')}`);
      assert.equal(report.summary.created, PEOPLE, JSON.stringify(report.summary));
      const posts = writes().filter((e) => e.method === 'POST' && e.path.endsWith('/Users')).map((e) => JSON.parse(e.body).userName as string);
      assert.deepEqual(posts.sort(), Array.from({ length: PEOPLE }, (_, i) => uid(i)));
    });

    it('an empty page in the key listing that finds deletions deprovisions nobody', async () => {
      h.proxy.reset();
      proxy.emptyPages = 1;
      const report = await h.sync('ad-like');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(proxy.emptyPages, 0, 'the empty page was served');
      assert.equal(report.summary.deleted + report.summary.disabled, 0, JSON.stringify(report.summary));
      assert.deepEqual(writes(), []);
    });

    it('a server that answers empty pages with the same cookie forever fails the cycle, which deprovisions nobody', async () => {
      h.proxy.reset();
      proxy.emptyPages = Infinity;
      proxy.pages.length = 0;
      const report = await h.sync('ad-like');
      assert.equal(report.cycle.status, 'failed');
      assert.match(report.cycle.message ?? '', new RegExp(`${MAX_STALLED_PAGES} empty pages in a row with the same paged-results cookie`));
      assert.equal(proxy.pages.filter((n) => n === 0).length, MAX_STALLED_PAGES);
      assert.deepEqual(writes(), []);
      assert.equal((await h.targetUsers()).size, PEOPLE);
    });

    it('a server that answers empty pages with a new cookie each time is given up after a bound, and the cycle deprovisions nobody', async () => {
      h.proxy.reset();
      proxy.emptyPages = Infinity;
      proxy.newCookies = true;
      proxy.pages.length = 0;
      try {
        const report = await h.sync('ad-like');
        assert.equal(report.cycle.status, 'failed');
        assert.match(report.cycle.message ?? '', new RegExp(`${MAX_EMPTY_PAGES} empty pages in a row, each with a new paged-results cookie and no entry`));
        assert.equal(proxy.pages.filter((n) => n === 0).length, MAX_EMPTY_PAGES);
        assert.deepEqual(writes(), []);
        assert.equal((await h.targetUsers()).size, PEOPLE);
      } finally {
        proxy.emptyPages = 0;
        proxy.newCookies = false;
      }
    });
  });
}
