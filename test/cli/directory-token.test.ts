import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd, scimdJson } from '../support/scimd-cli.js';
import { startScimd } from '../support/scimd-process.js';

const DAY = 86_400_000;

/** Asserts an ISO time lies `ms` after `from` (give or take a minute for slow machines). */
/** The command ran between `from` and `to` (ms): its secret expires `ms` after some moment in between. */
function assertExpiresAfter(expiresAt: string | null, from: number, to: number, ms: number): void {
  assert.ok(expiresAt, 'an expiry is set');
  const at = Date.parse(expiresAt);
  assert.ok(at >= from + ms && at <= to + ms, `expires ${expiresAt}, not ${ms / DAY} days after the command ran (${new Date(from).toISOString()} – ${new Date(to).toISOString()})`);
}

for (const backend of BACKENDS) {
  describe(`scimd directory and token commands (${backend})`, () => {
    let database: TestDatabase;
    let db: string[];
    let acme: { id: string; name: string; scimUrl: string };

    before(async () => {
      database = await createTestDatabase(backend);
      db = ['--db', database.url];
    });
    after(async () => {
      await database.drop();
    });

    it('directory create --json prints exactly {id, name, scimUrl}', async () => {
      const result = await runScimd(['directory', 'create', 'acme', ...db, '--json']);
      assert.equal(result.code, 0, result.stderr);
      acme = JSON.parse(result.stdout);
      assert.deepEqual(Object.keys(acme).sort(), ['id', 'name', 'scimUrl']);
      assert.equal(acme.name, 'acme');
      assert.match(acme.id, /^dir_\w+$/);
      assert.match(acme.scimUrl, /^https?:\/\/.+\/scim\/v2$/);
    });

    it('directory set raises the active-secret limit (the default, 2, would refuse the many secrets made below)', async () => {
      const result = await runScimd(['directory', 'set', 'acme', '--max-active-secrets', '10', ...db, '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).maxActiveSecrets, 10);
    });

    it('directory create without --json says what it made and what to do next', async () => {
      const result = await runScimd(['directory', 'create', 'globex', ...db]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Created directory globex \(dir_\w+\)/);
      assert.match(result.stdout, /SCIM base URL: unknown from here: http:\/\/127\.0\.0\.1:8080\/scim\/v2 if scimd serve runs with its default/);
      assert.match(result.stdout, /scimd token create globex/);
    });

    it('a directory name that is taken or empty is refused with a message', async () => {
      const taken = await runScimd(['directory', 'create', 'acme', ...db, '--json']);
      assert.notEqual(taken.code, 0);
      assert.equal(taken.stdout, '', '--json prints nothing on stdout when the command fails');
      assert.match(taken.stderr, /"acme" already exists/);
      const empty = await runScimd(['directory', 'create', ' ', ...db]);
      assert.notEqual(empty.code, 0);
      assert.match(empty.stderr, /must not be empty/);
    });

    it('directory list prints aligned columns, and --json one JSON array', async () => {
      const table = await runScimd(['directory', 'list', ...db]);
      assert.equal(table.code, 0);
      const lines = table.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^ID\s+NAME\s+CREATED$/);
      assert.equal(lines.length, 3);
      const nameColumn = lines[0].indexOf('NAME');
      for (const line of lines.slice(1)) assert.match(line.slice(nameColumn), /^(acme|globex)\s/, `NAME column is aligned: ${line}`);

      const json = await scimdJson<{ id: string; name: string; created: string }[]>(['directory', 'list', ...db]);
      assert.deepEqual(json.map((d) => d.name).sort(), ['acme', 'globex']);
      assert.ok(json.every((d) => d.id.startsWith('dir_') && !Number.isNaN(Date.parse(d.created))));
    });

    it('token create --json prints {id, secret, expiresAt}; the default lifetime is 365 days', async () => {
      const before = Date.now();
      const result = await runScimd(['token', 'create', 'acme', ...db, '--json']);
      const ran = Date.now();
      assert.equal(result.code, 0, result.stderr);
      const token = JSON.parse(result.stdout) as { id: string; secret: string; expiresAt: string };
      assert.match(token.id, /^sec_\w+$/);
      assert.match(token.secret, /^scimd_[0-9A-Za-z]+$/);
      assertExpiresAfter(token.expiresAt, before, ran, 365 * DAY);
    });

    it('--expires-in 90d, 1y and never set the expiry accordingly', async () => {
      const before = Date.now();
      const [ninety, year, never] = await Promise.all(
        ['90d', '1y', 'never'].map((lifetime) => scimdJson(['token', 'create', 'acme', '--expires-in', lifetime, ...db])),
      );
      const ran = Date.now();
      assertExpiresAfter(ninety.expiresAt, before, ran, 90 * DAY);
      assertExpiresAfter(year.expiresAt, before, ran, 365 * DAY);
      assert.equal(never.expiresAt, null);

      const listed = await scimdJson<{ id: string; expiresAt: string | null }[]>(['token', 'list', 'acme', ...db]);
      assert.equal(listed.find((t) => t.id === never.id)?.expiresAt, null);
      assert.equal(listed.find((t) => t.id === ninety.id)?.expiresAt, ninety.expiresAt);
    });

    it('a bad --expires-in exits non-zero with a clear message and creates nothing', async () => {
      const count = (await scimdJson<unknown[]>(['token', 'list', 'acme', ...db])).length;
      const bads = ['5x', '0d', 'soon', '-1d'];
      const results = await Promise.all(bads.map((bad) => runScimd(['token', 'create', 'acme', `--expires-in=${bad}`, ...db, '--json'])));
      for (const [i, result] of results.entries()) {
        assert.notEqual(result.code, 0, `--expires-in ${bads[i]} is refused`);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /--expires-in .* is not a duration such as 90d, 6mo, 1y or never/);
      }
      assert.equal((await scimdJson<unknown[]>(['token', 'list', 'acme', ...db])).length, count);
    });

    it('--expires-in refuses the ambiguous m, lifetimes under 1h and over 100y, saying why', async () => {
      const count = (await scimdJson<unknown[]>(['token', 'list', 'acme', ...db])).length;
      const cases: [string, RegExp][] = [
        ['6m', /"m" is ambiguous: use min for minutes or mo for months/],
        ['5s', /shorter than 1h/],
        ['30min', /shorter than 1h/],
        ['101y', /longer than 100y/],
      ];
      for (const [value, message] of cases) {
        const result = await runScimd(['token', 'create', 'acme', '--expires-in', value, ...db, '--json']);
        assert.notEqual(result.code, 0, `--expires-in ${value} is refused`);
        assert.match(result.stderr, message);
      }
      const help = await runScimd(['token', 'create', '--help']);
      assert.match(help.stdout, /s, min, h, d, w, mo, y/);
      const sixMonths = await scimdJson<{ expiresAt: string }>(['token', 'create', 'acme', '--expires-in', '6mo', ...db]);
      const days = (Date.parse(sixMonths.expiresAt) - Date.now()) / 86_400_000;
      assert.ok(days > 179 && days <= 180, `6mo is 180 days, not ${days}`);
      assert.equal((await scimdJson<unknown[]>(['token', 'list', 'acme', ...db])).length, count + 1);
    });

    it('token create without --json shows the secret once, with its id, expiry and the SCIM URL', async () => {
      const result = await runScimd(['token', 'create', 'acme', '--name', 'entra', '--expires-in', '30d', ...db]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /shown once/);
      assert.match(result.stdout, /^ {2}scimd_[0-9A-Za-z]+$/m);
      assert.match(result.stdout, /id:\s+sec_\w+/);
      assert.match(result.stdout, /expires:\s+\d{4}-\d\d-\d\d \d\d:\d\d \(\d+ days\)$/m, "a friendly date with the days left, as token list shows it");
      assert.match(result.stdout, /SCIM URL:\s+unknown from here: http/);
    });

    it('<directory> is an id or a name', async () => {
      const [byId, byName] = await Promise.all([
        scimdJson(['token', 'create', acme.id, '--name', 'by-id', ...db]),
        scimdJson(['token', 'create', 'acme', '--name', 'by-name', ...db]),
      ]);
      const [listById, listByName] = await Promise.all([
        scimdJson<{ id: string; name: string }[]>(['token', 'list', acme.id, ...db]),
        scimdJson<{ id: string; name: string }[]>(['token', 'list', 'acme', ...db]),
      ]);
      assert.deepEqual(listById, listByName);
      assert.ok(listById.some((t) => t.id === byId.id && t.name === 'by-id'));
      assert.ok(listById.some((t) => t.id === byName.id && t.name === 'by-name'));
      const globex = await scimdJson<unknown[]>(['token', 'list', 'globex', ...db]);
      assert.deepEqual(globex, [], "another directory's secrets are not listed");
    });

    it('an unknown directory exits non-zero with a message, for token create and token list', async () => {
      const commands = [
        ['token', 'create', 'initech'],
        ['token', 'list', 'initech'],
      ];
      for (const result of await Promise.all(commands.map((command) => runScimd([...command, ...db, '--json'])))) {
        assert.notEqual(result.code, 0);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /No directory "initech"; see "scimd directory list"/);
      }
    });

    it('token list prints name, created, expires, last used and state; the secret itself never', async () => {
      const table = await runScimd(['token', 'list', 'acme', ...db]);
      assert.equal(table.code, 0);
      const [header, ...rows] = table.stdout.trimEnd().split('\n');
      assert.match(header, /^ID\s+NAME\s+ENDS WITH\s+CREATED\s+EXPIRES\s+LAST USED\s+STATE$/);
      assert.ok(rows.length >= 6);
      assert.ok(rows.some((r) => /\bnever\s+-\s+active$/.test(r)), 'a never-expiring, unused secret reads "never - active"');
      assert.doesNotMatch(table.stdout, /scimd_[0-9A-Za-z]{20,}/);

      const json = await scimdJson<Record<string, unknown>[]>(['token', 'list', 'acme', ...db]);
      for (const key of ['id', 'name', 'created', 'expiresAt', 'lastUsedAt', 'state']) assert.ok(key in json[0], `token list --json has ${key}`);
      assert.doesNotMatch(JSON.stringify(json), /scimd_[0-9A-Za-z]{20,}|"hash"/);
    });

    it('a revoked secret is refused by a running server from the next request on', async () => {
      const token = await scimdJson<{ id: string; secret: string }>(['token', 'create', 'acme', '--name', 'to-revoke', ...db]);
      const server = await startScimd([...db, '--no-bootstrap']);
      try {
        const get = () => fetch(`${server.url}/Users`, { headers: { authorization: `Bearer ${token.secret}` } });
        assert.equal((await get()).status, 200);

        const revoke = await runScimd(['token', 'revoke', token.id, ...db]);
        assert.equal(revoke.code, 0, revoke.stderr);
        assert.equal(revoke.stdout, `Revoked ${token.id}\n`);

        const refused = await get();
        assert.equal(refused.status, 401);
        assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
        const body = (await refused.json()) as { status: string; detail: string };
        assert.equal(body.status, '401');
        assert.match(body.detail, /revoked/);
      } finally {
        await server.stop();
      }
      const listed = await scimdJson<{ id: string; state: string; revokedAt: string | null }[]>(['token', 'list', 'acme', ...db]);
      const revoked = listed.find((t) => t.id === token.id);
      assert.equal(revoked?.state, 'revoked');
      assert.ok(revoked?.revokedAt);
    });

    it('token revoke --json prints {id, revokedAt}; revoking twice or an unknown id fails with a message', async () => {
      const token = await scimdJson<{ id: string }>(['token', 'create', 'acme', ...db]);
      const revoked = await scimdJson<{ id: string; revokedAt: string }>(['token', 'revoke', token.id, ...db]);
      assert.equal(revoked.id, token.id);
      assert.ok(!Number.isNaN(Date.parse(revoked.revokedAt)));

      const again = await runScimd(['token', 'revoke', token.id, ...db]);
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /already revoked/);

      const unknown = await runScimd(['token', 'revoke', 'sec_doesnotexist', ...db, '--json']);
      assert.notEqual(unknown.code, 0);
      assert.equal(unknown.stdout, '');
      assert.match(unknown.stderr, /No secret with id "sec_doesnotexist"/);
    });

    it('directory create and token create print the URL a server really serves when it is known', async () => {
      const env = { SCIMD_PUBLIC_URL: 'https://scim.example.com' };
      const created = await runScimd(['directory', 'create', 'public-url', ...db], env);
      assert.match(created.stdout, /^SCIM base URL: https:\/\/scim\.example\.com\/scim\/v2$/m);
      const token = await runScimd(['token', 'create', 'public-url', ...db], env);
      assert.match(token.stdout, /^ {2}SCIM URL: https:\/\/scim\.example\.com\/scim\/v2$/m);
    });
  });
}
