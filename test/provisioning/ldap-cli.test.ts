import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { CliHarness } from './support/cli-harness.js';
import { Slapd } from './support/slapd.js';

for (const backend of BACKENDS) {
  describe(`scimd connection with an LDAP source on ${backend}`, () => {
    let h: CliHarness;
    let ldap: Slapd;
    before(async () => {
      ldap = await Slapd.start();
      h = await CliHarness.start(backend);
      for (const [uid, given] of [['ann', 'Ann'], ['ben', 'Ben']]) {
        await ldap.add(`uid=${uid},ou=people,dc=example,dc=test`, { objectClass: ['inetOrgPerson'], uid, cn: given, sn: 'Lee', givenName: given, mail: `${uid}@example.test` });
      }
      await ldap.add('cn=staff,ou=groups,dc=example,dc=test', { objectClass: ['groupOfNames'], cn: 'staff', member: ['uid=ann,ou=people,dc=example,dc=test'] });
    });
    after(async () => {
      await h?.close();
      await ldap?.stop();
    });

    it('creates an LDAP connection with the bind password from standard input, checks the source, and never shows the password', async () => {
      const created = await h.json(
        ['connection', 'create', 'corp', '--source', ldap.url, '--base-dn', 'dc=example,dc=test', '--bind-dn', ldap.rootDn, '--source-secret', '-', '--target', h.proxy.baseUrl, '--secret', h.directory.secret],
        { input: `${ldap.rootPassword}\n` },
      );
      assert.equal(created.source.kind, 'ldap');
      assert.equal(created.source.baseDn, 'dc=example,dc=test');
      assert.equal(created.source.encryptedPassword, undefined);
      assert.equal(created.check.users, 2);
      assert.equal(created.check.groups, 1);
      const shown = await h.run(['connection', 'show', 'corp']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.ok(!shown.stdout.includes(ldap.rootPassword));
      const listed = await h.run(['connection', 'list']);
      assert.match(listed.stdout, new RegExp(`corp\\s+${ldap.url.replace(/[.]/g, '\\.')}/dc=example,dc=test`));
    });

    it('syncs from LDAP through the command line, then a second cycle sends nothing', async () => {
      const first = await h.json(['sync', 'corp']);
      assert.equal(first.summary.created, 3, JSON.stringify(first));
      // The target holds what the directory says, mapped by the default LDAP mappings.
      const users = await h.targetUsers();
      assert.deepEqual([...users.keys()].sort(), ['ann', 'ben']);
      for (const [uid, given] of [['ann', 'Ann'], ['ben', 'Ben']]) {
        const user = users.get(uid)!;
        assert.deepEqual(user.name, { givenName: given, familyName: 'Lee', formatted: `${given} Lee` });
        assert.deepEqual(user.emails, [{ type: 'work', value: `${uid}@example.test` }]);
        assert.equal(user.active, true);
        assert.equal(user.externalId, await ldap.entryUuid(`uid=${uid},ou=people,dc=example,dc=test`));
      }
      const groups = await h.targetGroups();
      assert.deepEqual([...groups.keys()], ['staff']);
      assert.deepEqual(groups.get('staff')!.members.map((m: { value: string }) => m.value), [users.get('ann')!.id]);
      h.proxy.reset();
      const second = await h.json(['sync', 'corp']);
      assert.equal(second.summary.unchanged, 3, JSON.stringify(second));
      assert.equal(h.proxy.exchanges.length, 0);
    });

    it('names each log row by its DN beside the entryUUID, so an admin knows the entry', async () => {
      const dn = 'uid=ann,ou=people,dc=example,dc=test';
      const uuid = await ldap.entryUuid(dn);
      const rows = await h.json(['sync', 'log', 'corp', '--object', uuid]);
      assert.ok(rows.length > 0);
      for (const row of rows) assert.equal(row.origin, dn, JSON.stringify(row));
      const text = await h.run(['sync', 'log', 'corp', '--object', uuid]);
      assert.equal(text.code, 0, text.stderr);
      assert.ok(text.stdout.includes(`${dn} (${uuid})`), text.stdout);
    });

    it("checks the attributes a mapping reads against the directory's schema: one no entry holds yet is fine, a misspelt one is refused", async () => {
      const userName = { target: 'userName', expression: 'Coalesce([uid], [sAMAccountName])', matching: 1 };
      h.file('typo.json', JSON.stringify({ users: [userName, { target: 'displayName', expression: 'Join(" ", [givenNmae], [sn])' }] }));
      const typo = await h.run(['connection', 'update', 'corp', '--mapping', `${h.dir}/typo.json`]);
      assert.equal(typo.code, 1);
      assert.match(typo.stderr, /user mapping 2 \("displayName"\): The source has no attribute \[givenNmae\] \(did you mean \[givenName\]\? checked against the directory's schema\) at character 12\n/);
      // roomNumber is an inetOrgPerson attribute that no entry has: the schema knows it.
      h.file('schema.json', JSON.stringify({ users: [userName, { target: 'title', source: 'roomNumber' }, { target: 'displayName', expression: 'Join(" ", [givenName], [SN])' }] }));
      const fine = await h.run(['connection', 'update', 'corp', '--mapping', `${h.dir}/schema.json`]);
      assert.equal(fine.code, 0, fine.stderr);
      assert.equal((await h.run(['connection', 'update', 'corp', '--mapping', 'default'])).code, 0);
    });

    it('refuses LDAP options on a file source, and a filter that is not one', async () => {
      const wrong = await h.run(['connection', 'create', 'x', '--source', 'file:users.csv', '--bind-dn', 'cn=a', '--target', h.proxy.baseUrl, '--secret', 's']);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /--bind-dn is for LDAP sources/);
      const filter = await h.run(['connection', 'update', 'corp', '--user-filter', 'objectClass=person']);
      assert.equal(filter.code, 1);
      assert.match(filter.stderr, /--user-filter "objectClass=person" is not an LDAP filter/);
    });
  });
}
