import { renameSync } from 'node:fs';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import Database from 'better-sqlite3';
import { BACKENDS, type Backend } from '../support/databases.js';
import { adminApi } from '../support/admin-api.js';
import { CliHarness } from './support/cli-harness.js';

/** Every stored credential column of the engine database, read raw. */
async function storedCredentials(backend: Backend, url: string): Promise<string[]> {
  if (backend === 'sqlite') {
    const db = new Database(url, { readonly: true });
    try {
      return (db.prepare('SELECT credential FROM provisioning_connections').all() as { credential: string }[]).map((r) => r.credential);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT credential FROM provisioning_connections')).rows.map((r) => r.credential);
  } finally {
    await client.end();
  }
}

for (const backend of BACKENDS) {
  describe(`scimd connection on ${backend}`, () => {
    let h: CliHarness;
    before(async () => {
      h = await CliHarness.start(backend);
      h.file('users.csv', 'objectId,userPrincipalName,givenName,surname,department,accountEnabled\n1,a@acme.com,Ann,Lee,Sales,true\n2,b@acme.com,Ben,Ko,Eng,false\n');
    });
    after(() => h.close());

    it('creates a connection after reading its source, and never shows or stores the secret in clear', async () => {
      const created = await h.json(['connection', 'create', 'hr', '--source', `file:${h.dir}/users.csv`, '--target', `${h.proxy.baseUrl}/`, '--secret', '-', '--secret-expires', '2030-01-31', '--scope-users', 'department eq "Sales"'], { input: `${h.directory.secret}\n` });
      assert.equal(created.name, 'hr');
      assert.equal(created.target, h.proxy.baseUrl, 'a trailing slash is dropped');
      assert.deepEqual(created.credential, { kind: 'bearer', expiresAt: '2030-01-31T00:00:00.000Z' });
      assert.deepEqual(created.check, { users: 2, usersInScope: 1, groups: 0, groupsInScope: 0, userFormat: 'attributes', groupFormat: 'attributes', mappingProblems: [], sourceProblems: [] });
      assert.ok(!JSON.stringify(created).includes(h.directory.secret));

      const [stored] = await storedCredentials(backend, h.database.url);
      assert.match(stored, /^v1:/, 'encrypted with AES-256-GCM');
      assert.ok(!stored.includes(h.directory.secret) && !Buffer.from(stored.slice(3), 'base64').toString('latin1').includes(h.directory.secret));
      assert.ok(readFileSync(h.env.SCIMD_KEY_FILE!, 'utf8').trim().length > 40, 'the key lives in its own file');

      const list = await h.json(['connection', 'list']);
      assert.deepEqual(list.map((c: { name: string }) => c.name), ['hr']);
      const shown = await h.run(['connection', 'show', 'hr']);
      assert.equal(shown.code, 0);
      assert.match(shown.stdout, /credential: +secret token, expires 2030-01-31 \d\d:\d\d$/m, 'a friendly date, as the rest of the CLI prints');
      assert.doesNotMatch(shown.stdout, /\d{4}-\d\d-\d\dT\d\d:/, 'no raw ISO time');
      for (const output of [JSON.stringify(list), shown.stdout, shown.stderr]) assert.ok(!output.includes(h.directory.secret));
    });

    it('refuses a duplicate name, a bad scoping filter and a mapping expression that does not parse, pointing at the mistake', async () => {
      const duplicate = await h.run(['connection', 'create', 'HR', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', 'x']);
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.stderr, /A connection named "HR" already exists/);

      const scope = await h.run(['connection', 'update', 'hr', '--scope-users', 'country eq "NO"']);
      assert.equal(scope.code, 1);
      assert.match(scope.stderr, /The scoping filter "country eq \\"NO\\"" is invalid: Unknown attribute country/);

      h.file('mapping.json', JSON.stringify({ users: [{ target: 'userName', source: 'userPrincipalName', matching: 1 }, { target: 'displayName', expression: 'Join(" ", [givenName] [surname])' }] }));
      const mapping = await h.run(['connection', 'update', 'hr', '--mapping', `${h.dir}/mapping.json`]);
      assert.equal(mapping.code, 1);
      assert.match(mapping.stderr, /user mapping 2 \("displayName"\): Expected "," or "\)" in the arguments of Join but found the attribute \[surname\] at character 23\n  Join\(" ", \[givenName\] \[surname\]\)\n {24}\^/);

      h.file('typo.json', JSON.stringify({ users: [{ target: 'userName', source: 'userPrincipalName', matching: 1 }, { target: 'displayName', source: 'givenNmae' }, { target: 'nickName', expression: 'ToLower([surnme])' }] }));
      const typo = await h.run(['connection', 'update', 'hr', '--mapping', `${h.dir}/typo.json`]);
      assert.equal(typo.code, 1);
      assert.match(typo.stderr, /user mapping 2 \("displayName"\): the source has no attribute "givenNmae" \(did you mean "givenName"\? checked against the columns of users\.csv\)/);
      const typoCreate = await h.run(['connection', 'create', 'typo', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', 'x', '--mapping', `${h.dir}/typo.json`]);
      assert.equal(typoCreate.code, 1);
      assert.equal((await h.json(['connection', 'list'])).length, 1, 'nothing saved');

      const reserved = await h.run(['connection', 'create', 'log', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', 'x']);
      assert.match(reserved.stderr, /reserved/);
    });

    it('tests the connection step by step, Entra-style', async () => {
      h.proxy.reset();
      const report = await h.json(['connection', 'test', 'hr']);
      assert.equal(report.ok, true, JSON.stringify(report, null, 2));
      assert.deepEqual(report.steps.map((s: { side: string; step: string; status: string }) => `${s.side} ${s.step}: ${s.status}`), [
        'source Source file: ok',
        'source Source read: ok',
        'target Reachable: ok',
        'target TLS: ok',
        'target Authentication: ok',
        'target ServiceProviderConfig: ok',
        'target User probe: ok',
        'target Group probe: ok',
        'target Group writes: warning',
        'target Secret expiry: ok',
      ]);
      const probe = h.proxy.exchanges.find((e) => e.path.startsWith('/scim/v2/Users?'))!;
      assert.match(decodeURIComponent(probe.path), /filter=userName eq "[0-9a-f-]{36}"$/, 'the probe filters on the matching attribute with a random GUID');
      assert.ok(h.proxy.exchanges.some((e) => /^\/scim\/v2\/Groups\?filter=displayName%20eq%20%22[0-9a-f-]{36}%22&excludedAttributes=members$/.test(e.path)));
      const human = await h.run(['connection', 'test', 'hr']);
      assert.match(human.stdout, /ok {4}User probe +GET \/Users\?filter=userName eq "[0-9a-f-]+" answered 200 with an empty list/);
      assert.match(human.stdout, /The connection works\./);
      assert.match(human.stdout, /Group writes +not probed: the target has no users/);
      const shown = await h.run(['connection', 'show', 'hr']);
      assert.match(shown.stdout, /target note: +the target has no users/);
      assert.match(human.stdout, /Testing the source, file:.*users\.csv\n {2}ok {4}Source file +.*users\.csv \(\d+ bytes\) is readable/);
      assert.match(human.stdout, /ok {4}Source read +\d+ users \(\d+ in scope\) and \d+ groups/);
    });

    it('a test run from the CLI learns a scimd target secret\'s expiry, so show no longer says it is unknown', async () => {
      const { call } = await adminApi(h.server);
      const secret = (await call('POST', `/directories/${h.directory.id}/secrets`, { name: 'engine', expiresIn: '90d' })).body;
      await h.json(['connection', 'create', 'expiring', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', '-'], { input: `${secret.secret}\n` });
      assert.match((await h.run(['connection', 'show', 'expiring'])).stdout, /expiry unknown/);
      const report = await h.json(['connection', 'test', 'expiring']);
      assert.equal(report.ok, true, JSON.stringify(report.steps));
      const shown = await h.json(['connection', 'show', 'expiring']);
      assert.equal(shown.credential.expiresAt, secret.expiresAt, 'the expiry the target reported is stored');
      assert.doesNotMatch((await h.run(['connection', 'show', 'expiring'])).stdout, /expiry unknown/);
      await h.run(['connection', 'delete', 'expiring']);
    });

    it('fails the test when the source file is gone, naming the file, and still tests the target', async () => {
      renameSync(`${h.dir}/users.csv`, `${h.dir}/users.moved`);
      try {
        const failed = await h.run(['connection', 'test', 'hr', '--json']);
        assert.equal(failed.code, 1);
        const report = JSON.parse(failed.stdout);
        assert.equal(report.ok, false);
        const file = report.steps.find((s: { step: string }) => s.step === 'Source file');
        assert.equal(file.status, 'failed');
        assert.match(file.detail, /users\.csv: no such file/);
        assert.equal(report.steps.find((s: { step: string }) => s.step === 'Source read').status, 'skipped');
        assert.equal(report.steps.find((s: { step: string }) => s.step === 'Authentication').status, 'ok', 'the target is still tested');
      } finally {
        renameSync(`${h.dir}/users.moved`, `${h.dir}/users.csv`);
      }
    });

    it('reports a refused secret, and takes a new one from standard input', async () => {
      const wrong = 'scimd_wrongwrongwrongwrongwrongwrongwrong';
      await h.json(['connection', 'set-secret', 'hr'], { input: `${wrong}\n` });
      const failed = await h.run(['connection', 'test', 'hr']);
      assert.equal(failed.code, 1);
      assert.match(failed.stdout, /FAIL {2}Authentication +the target refused the secret/);
      assert.match(failed.stdout, /skip {2}User probe/);
      assert.ok(!failed.stdout.includes(wrong) && !failed.stderr.includes(wrong), 'the secret is never printed');

      const sync = await h.json(['sync', 'hr']).catch((error: Error) => error.message);
      assert.match(String(sync), /exited 1/);
      const cycles = await h.json(['sync', 'cycles', 'hr']);
      assert.equal(cycles[0].status, 'failed');
      assert.match(cycles[0].message, /401|refused/);
      assert.ok(!JSON.stringify(cycles).includes(wrong));

      await h.json(['connection', 'set-secret', 'hr', '--secret-expires', '90d'], { input: h.directory.secret });
      assert.equal((await h.json(['connection', 'test', 'hr'])).ok, true);
    });

    it('provisions with the default Entra mappings and the scoping filter', async () => {
      const report = await h.json(['sync', 'hr']);
      assert.deepEqual([report.summary.created, report.summary.unchanged], [1, 0]);
      const users = (await h.directory.request('GET', '/Users')).body.Resources;
      assert.equal(users.length, 1);
      assert.equal(users[0].userName, 'a@acme.com');
      assert.deepEqual(users[0].name, { givenName: 'Ann', familyName: 'Lee', formatted: 'Ann Lee' });
      assert.equal(users[0]['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department, 'Sales');
      const log = await h.json(['sync', 'log', 'hr', '--object', '1']);
      assert.deepEqual(log.map((e: { action: string; result: string }) => `${e.action} ${e.result}`), ['create success']);
    });

    it('without a terminal, sync writes no progress to standard error unless asked with --progress', async () => {
      const silent = await h.run(['sync', 'hr']);
      assert.equal(silent.code, 0, silent.stderr);
      assert.doesNotMatch(silent.stderr, /"progress"/, 'quiet under cron');
      const asked = await h.run(['sync', 'hr', '--progress']);
      assert.equal(asked.code, 0, asked.stderr);
      assert.match(asked.stderr, /\{"progress":/);
    });

    it('deletes the connection and its state, and leaves the target as it is', async () => {
      const deleted = await h.json(['connection', 'delete', 'hr']);
      assert.equal(deleted.name, 'hr');
      assert.deepEqual(await h.json(['connection', 'list']), []);
      assert.equal(await h.userCount(), 1);
      const missing = await h.run(['sync', 'hr']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /No connection "hr"; "scimd connection list" shows the connections there are/);
    });

    it('reads a Windows-1252 export with --source-encoding, and without it says to give one', async () => {
      writeFileSync(`${h.dir}/excel.csv`, Buffer.from('objectId,userPrincipalName,givenName\n9,zoe@acme.com,Zoë\n', 'latin1'));
      const args = ['connection', 'create', 'excel', '--source', `file:${h.dir}/excel.csv`, '--target', h.proxy.baseUrl, '--secret', 'x'];
      const refused = await h.run(args);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /excel\.csv is not valid UTF-8 \(byte 0xEB on line 2\); .*--source-encoding windows-1252/);
      const created = await h.json([...args, '--source-encoding', 'windows-1252']);
      assert.equal(created.source.encoding, 'windows-1252');
      assert.equal(created.check.users, 1);
      const help = await h.run(['connection', 'create', '--help']);
      assert.match(help.stdout, /--source-encoding <encoding>/);
      assert.equal((await h.run(['connection', 'delete', 'excel'])).code, 0);
    });
  });
}
