import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd, scimdJson, type CliResult } from '../support/scimd-cli.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';

const SECRET = /scimd_[0-9A-Za-z]{49}/;

for (const backend of BACKENDS) {
  describe(`scimd admin commands on --db (${backend})`, () => {
    let database: TestDatabase;
    let db: string[];
    const run = (...args: string[]) => runScimd([...args, ...db]);
    before(async () => {
      database = await createTestDatabase(backend);
      db = ['--db', database.url];
      assert.equal((await run('directory', 'create', 'acme')).code, 0);
    });
    after(() => database.drop());

    it('directory show prints the tenant URL, counts and settings; --json the same as a document', async () => {
      const shown = await scimdJson(['directory', 'show', 'ACME', ...db]);
      assert.equal(shown.name, 'acme');
      assert.deepEqual([shown.users, shown.groups, shown.activeSecrets], [0, 0, 0]);
      assert.deepEqual(shown.settings, { maxActiveSecrets: 2, defaultSecretLifetime: '365d', allowSelfRotation: true, autoRevokeGraceHours: null });
      const text = await run('directory', 'show', 'acme');
      assert.match(text.stdout, /^SCIM URL:\s+http.*\/scim\/v2$/m);
      assert.match(text.stdout, /^max active secrets:\s+2$/m);
    });

    it('directory set changes settings, "default" resets them, bad values are refused', async () => {
      const set = await scimdJson(['directory', 'set', 'acme', '--max-active-secrets', '3', '--default-secret-lifetime', '90d', '--self-rotation', 'off', '--auto-revoke-grace-hours', '48', ...db]);
      assert.deepEqual(set, { maxActiveSecrets: 3, defaultSecretLifetime: '90d', allowSelfRotation: false, autoRevokeGraceHours: 48 });
      assert.deepEqual(await scimdJson(['directory', 'set', 'acme', ...db]), set, 'with no option it prints the settings');
      const reset = await scimdJson(['directory', 'set', 'acme', '--default-secret-lifetime', 'default', '--self-rotation', 'default', '--auto-revoke-grace-hours', 'off', ...db]);
      assert.deepEqual(reset, { maxActiveSecrets: 3, defaultSecretLifetime: '365d', allowSelfRotation: true, autoRevokeGraceHours: null });
      const bads = [['--max-active-secrets', 'two'], ['--max-active-secrets', '99'], ['--self-rotation', 'maybe'], ['--default-secret-lifetime', 'soon']];
      const results = await Promise.all(bads.map((bad) => run('directory', 'set', 'acme', ...bad, '--json')));
      for (const [i, result] of results.entries()) {
        assert.equal(result.code, 1, bads[i].join(' '));
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /^scimd: .+/);
      }
    });

    it('token create refuses a secret beyond the limit, naming the active ones', async () => {
      const made = await Promise.all(['one', 'two', 'three'].map((name) => scimdJson(['token', 'create', 'acme', '--name', name, ...db])));
      const fourth = await run('token', 'create', 'acme', '--json');
      assert.equal(fourth.code, 1);
      assert.equal(fourth.stdout, '');
      assert.match(fourth.stderr, /Directory acme already has 3 active client secrets, the most it allows/);
      for (const token of made) assert.ok(fourth.stderr.includes(token.id));
      assert.equal((await scimdJson<unknown[]>(['token', 'list', 'acme', ...db])).length, 3);
    });

    it('token revoke of the last active secret needs --force and says what breaks', async () => {
      const tokens = await scimdJson<{ id: string }[]>(['token', 'list', 'acme', ...db]);
      for (const result of await Promise.all(tokens.slice(0, -1).map((token) => run('token', 'revoke', token.id)))) assert.equal(result.code, 0);
      const last = tokens[tokens.length - 1].id;
      const refused = await run('token', 'revoke', last);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /last active client secret of directory acme: revoking it makes scimd refuse every request/);
      assert.match(refused.stderr, /--force/);
      const forced = await scimdJson(['token', 'revoke', last, '--force', ...db]);
      assert.equal(forced.id, last);
      assert.ok(forced.revokedAt);
    });

    it('token list shows the state and "expiring" inside the warning window', async () => {
      await scimdJson(['token', 'create', 'acme', '--name', 'soon', '--expires-in', '30d', ...db]);
      const table = await run('token', 'list', 'acme');
      assert.match(table.stdout, /^sec_\w+\s+soon\s+…\w{4}\s+.+\(30 days\)\s+-\s+expiring$/m);
      assert.match(table.stdout, /\srevoked$/m);
    });

    it('directory rename and delete; delete needs --confirm with the name', async () => {
      const renamed = await scimdJson(['directory', 'rename', 'acme', 'Acme Inc', ...db]);
      assert.equal(renamed.name, 'Acme Inc');
      const unconfirmed = await run('directory', 'delete', 'Acme Inc');
      assert.equal(unconfirmed.code, 1);
      assert.match(unconfirmed.stderr, /removes its 0 users, 0 groups and client secrets for good/);
      assert.match(unconfirmed.stderr, /--confirm "Acme Inc"/);
      const wrong = await run('directory', 'delete', 'Acme Inc', '--confirm', 'acme');
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /"acme" is not the directory's name/);
      const deleted = await scimdJson(['directory', 'delete', 'Acme Inc', '--confirm', 'Acme Inc', ...db]);
      assert.deepEqual(deleted, { id: renamed.id, name: 'Acme Inc' });
      assert.deepEqual(await scimdJson(['directory', 'list', ...db]), []);
    });

    it('admin token create, list and revoke; the last one needs --force', async () => {
      const created = await scimdJson(['admin', 'token', 'create', '--name', 'ops', ...db]);
      assert.match(created.secret, SECRET);
      const listed = await scimdJson<{ id: string; name: string; state: string }[]>(['admin', 'token', 'list', ...db]);
      assert.deepEqual(listed.map((s) => [s.id, s.name, s.state]), [[created.id, 'ops', 'active']]);
      const refused = await run('admin', 'token', 'revoke', created.id);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /last active admin secret/);
      assert.equal((await run('admin', 'token', 'revoke', created.id, '--force')).code, 0);
    });

    it('audit lists every change made here, by cli:<os user>, newest first', async () => {
      const page = await scimdJson<{ entries: any[]; next: string | null }>(['audit', ...db]);
      const actions = page.entries.map((e) => e.action);
      assert.deepEqual(actions.slice(0, 4), ['admin_secret.revoked', 'admin_secret.created', 'directory.deleted', 'directory.renamed']);
      for (const action of ['directory.created', 'directory.settings_updated', 'secret.created', 'secret.revoked']) assert.ok(actions.includes(action), action);
      assert.ok(page.entries.every((e) => e.actor === `cli:${userInfo().username}` && e.actorIp === null));
      const table = await run('audit', '--limit', '2');
      assert.match(table.stdout, /^AT\s+ACTOR\s+FROM\s+ACTION\s+TARGET\s+DIRECTORY\s+DETAIL$/m);
      assert.match(table.stdout, /More: scimd audit --before aud_\w+/);
      const directoryId = page.entries.find((e) => e.action === 'directory.deleted').targetId;
      const forDirectory = await scimdJson<{ entries: any[] }>(['audit', '--directory', directoryId, ...db]);
      assert.ok(forDirectory.entries.length >= 8 && forDirectory.entries.every((e) => e.directoryId === directoryId));
    });
  });

  describe(`scimd status (${backend})`, () => {
    let database: TestDatabase;
    let db: string[];
    before(async () => {
      database = await createTestDatabase(backend);
      db = ['--db', database.url];
    });
    after(() => database.drop());

    it('exits 0 when nothing needs attention, and prints each directory with its secrets', async () => {
      await runScimd(['directory', 'create', 'calm', ...db]);
      await scimdJson(['token', 'create', 'calm', '--name', 'Entra', ...db]);
      const result = await runScimd(['status', ...db]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^calm \(dir_\w+\)\s+NOT CONNECTED: no request yet/m);
      assert.match(result.stdout, /^ {2}Entra\s+…\w{4}\s+\S+ \S+ \(365 days\)\s+active\s+-$/m);
      assert.match(result.stdout, /Nothing needs attention \(warning window 60 days\)/);
    });

    it('exits 2 when an active secret expires inside the warning window, worst directory first', async () => {
      await runScimd(['directory', 'create', 'urgent', ...db]);
      await scimdJson(['token', 'create', 'urgent', '--name', 'Okta', '--expires-in', '10d', ...db]);
      const result = await runScimd(['status', ...db]);
      assert.equal(result.code, 2, result.stderr);
      const first = result.stdout.split('\n')[0];
      assert.match(first, /^urgent \(dir_\w+\)\s+EXPIRING: client secret "Okta" \(…\w{4}\) expires in 10 days/);
      assert.match(result.stdout, /Needs attention: 1 directory/);
      const json = await runScimd(['status', '--json', ...db]);
      assert.equal(json.code, 2);
      const report = JSON.parse(json.stdout);
      assert.equal(report.attention, true);
      assert.deepEqual(report.directories.map((d: any) => [d.name, d.health]), [['urgent', 'expiring'], ['calm', 'not_connected']]);
    });

    it('SCIMD_EXPIRY_WARNINGS narrows the window, and then nothing needs attention', async () => {
      const result = await runScimd(['status', ...db], { SCIMD_EXPIRY_WARNINGS: '7,1' });
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stdout, /warning window 7 days/);
    });
  });

  describe(`scimd serve: the admin secret (${backend})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(backend);
    });
    after(() => database.drop());

    it('a first start prints a one-time admin secret that works; a second start prints none', async () => {
      let adminSecret: string;
      const first = await startScimd(['--db', database.url]);
      try {
        await waitFor('the admin banner', () => /Admin secret:\s+\S+\n[\s\S]*More admin secrets/.test(first.errors()));
        adminSecret = /Admin secret:\s+(\S+)/.exec(first.errors())![1];
        assert.match(adminSecret, SECRET);
        assert.ok(!first.output().includes(adminSecret), 'never on stdout, where the log goes');
        const origin = new URL(first.url).origin;
        assert.match(first.errors(), new RegExp(`Admin API:\\s+${origin}/api/v1`));
        const status = await fetch(`${origin}/api/v1/status`, { headers: { authorization: `Bearer ${adminSecret}` } });
        assert.equal(status.status, 200);
        const viaCli = await runScimd(['status', '--url', origin], { SCIMD_ADMIN_SECRET: adminSecret });
        assert.equal(viaCli.code, 0, viaCli.stderr);
        assert.match(viaCli.stdout, /^default \(dir_\w+\)/m);
      } finally {
        await first.stop();
      }
      const second = await startScimd(['--db', database.url]);
      try {
        assert.doesNotMatch(second.output() + second.errors(), /Admin secret|scimd_[0-9A-Za-z]{20,}/);
        const status = await fetch(`${new URL(second.url).origin}/api/v1/status`, { headers: { authorization: `Bearer ${adminSecret}` } });
        assert.equal(status.status, 200, 'the first admin secret still works');
      } finally {
        await second.stop();
      }
      const admins = await scimdJson<{ name: string }[]>(['admin', 'token', 'list', '--db', database.url]);
      assert.deepEqual(admins.map((a) => a.name), ['bootstrap admin secret']);
      const audit = await scimdJson<{ entries: any[] }>(['audit', '--db', database.url]);
      assert.ok(audit.entries.some((e) => e.action === 'admin_secret.created' && e.actor === 'system:bootstrap'));
    });
  });

  describe(`scimd serve with SCIMD_ADMIN_SECRET (${backend})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(backend);
    });
    after(() => database.drop());

    it('registers the value (any 32+ characters) instead of printing a secret, once across restarts', async () => {
      const chosen = randomBytes(30).toString('base64url');
      for (let start = 0; start < 2; start++) {
        const server = await startScimd(['--db', database.url], { SCIMD_ADMIN_SECRET: chosen });
        try {
          const origin = new URL(server.url).origin;
          assert.equal((await fetch(`${origin}/api/v1/admin/secrets`, { headers: { authorization: `Bearer ${chosen}` } })).status, 200);
          assert.equal((await fetch(`${origin}/api/v1/admin/secrets`, { headers: { authorization: `Bearer ${chosen.slice(1)}` } })).status, 401);
          assert.doesNotMatch(server.errors(), /Admin secret:/);
          assert.ok(!(server.output() + server.errors()).includes(chosen), 'the value is never printed');
        } finally {
          await server.stop();
        }
      }
      const admins = await scimdJson<{ name: string; expiresAt: string | null }[]>(['admin', 'token', 'list', '--db', database.url]);
      assert.deepEqual(admins.map((a) => [a.name, a.expiresAt]), [['SCIMD_ADMIN_SECRET', null]]);
    });

    it('refuses to start with a short SCIMD_ADMIN_SECRET', async () => {
      await assert.rejects(startScimd(['--db', database.url], { SCIMD_ADMIN_SECRET: 'too-short' }), /SCIMD_ADMIN_SECRET must be a scimd_ secret or at least 32 characters/);
    });
  });

  describe(`the remote CLI (--url) gives the same results as the local CLI (--db) (${backend})`, () => {
    let local: TestDatabase;
    let remote: TestDatabase;
    let server: ScimdProcess;
    const adminSecret = randomBytes(32).toString('base64url');
    before(async () => {
      [local, remote] = await Promise.all([createTestDatabase(backend), createTestDatabase(backend)]);
      server = await startScimd(['--db', remote.url, '--no-bootstrap'], { SCIMD_ADMIN_SECRET: adminSecret });
    });
    after(async () => {
      await server.stop();
      await Promise.all([local.drop(), remote.drop()]);
    });

    it('one script of commands, run both ways, prints the same documents and messages and exits the same', async () => {
      const origin = new URL(server.url).origin;
      const both = async (args: (ids: string[]) => string[]) => {
        const [viaDb, viaUrl] = await Promise.all([
          runScimd([...args(localIds), '--db', local.url]),
          runScimd([...args(remoteIds), '--url', origin], { SCIMD_ADMIN_SECRET: adminSecret }),
        ]);
        collect(viaDb, localIds);
        collect(viaUrl, remoteIds);
        const label = args(['<id>', '<id>', '<id>', '<id>']).join(' ');
        assert.equal(viaUrl.code, viaDb.code, `${label}: same exit status\n${viaDb.stderr}\n${viaUrl.stderr}`);
        assert.deepEqual(normalize(viaUrl.stdout), normalize(viaDb.stdout), `${label}: same output`);
        assert.equal(normalizeText(viaUrl.stderr), normalizeText(viaDb.stderr), `${label}: same message`);
        return viaDb;
      };
      const localIds: string[] = [];
      const remoteIds: string[] = [];

      assert.equal((await both(() => ['directory', 'create', 'acme', '--json'])).code, 0);
      await both(() => ['directory', 'list', '--json']);
      await both(() => ['directory', 'set', 'acme', '--max-active-secrets', '3', '--json']);
      await both(() => ['token', 'create', 'acme', '--name', 'one', '--json']);
      await both(() => ['token', 'create', 'acme', '--name', 'two', '--expires-in', '30d', '--json']);
      await both(() => ['token', 'create', 'acme', '--name', 'three', '--expires-in', 'never', '--json']);
      assert.equal((await both(() => ['token', 'create', 'acme', '--json'])).code, 1);
      await both(() => ['token', 'list', 'acme', '--json']);
      await both(() => ['token', 'list', 'acme']);
      await both(() => ['directory', 'show', 'acme', '--json']);
      await both(() => ['directory', 'rename', 'acme', 'acme2', '--json']);
      await both((ids) => ['token', 'revoke', ids[1], '--json']);
      await both(() => ['token', 'revoke', 'sec_doesnotexist']);
      assert.equal((await both(() => ['status', '--json'])).code, 2);
      await both((ids) => ['audit', '--directory', ids[0], '--json']);
      await both(() => ['directory', 'delete', 'acme2']);
      await both(() => ['directory', 'delete', 'acme2', '--confirm', 'acme2', '--json']);
    });

    it('--url without an admin secret, with a wrong one, to no server or on a database-only command fails with a message', async () => {
      const origin = new URL(server.url).origin;
      const missing = await runScimd(['directory', 'list', '--url', origin]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /--url needs an admin secret: set SCIMD_ADMIN_SECRET/);
      const wrong = await runScimd(['directory', 'list', '--url', origin], { SCIMD_ADMIN_SECRET: 'x'.repeat(40) });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /The admin secret is not valid/);
      const elsewhere = await runScimd(['import', 'acme', 'users.jsonl', '--url', origin], { SCIMD_ADMIN_SECRET: adminSecret });
      assert.equal(elsewhere.code, 1);
      assert.match(elsewhere.stderr, /scimd import works on the database \(--db\) only/);
      const closed = await closedPort();
      const unreachable = await runScimd(['directory', 'list', '--url', `http://127.0.0.1:${closed}`], { SCIMD_ADMIN_SECRET: adminSecret });
      assert.equal(unreachable.code, 1);
      assert.match(unreachable.stderr, new RegExp(`Cannot reach scimd at http://127\\.0\\.0\\.1:${closed}: ECONNREFUSED`));
    });
  });
}

/** Ids in the order a side first printed them, so a later step can name "the second secret". */
function collect(result: CliResult, ids: string[]): void {
  for (const id of (result.stdout + result.stderr).match(/\b(dir|sec|aud)_[0-9A-Za-z]{13}\b/g) ?? []) if (!ids.includes(id)) ids.push(id);
}

/** Output with what differs between two databases by nature (ids, times, secrets, who and where) masked. */
function normalize(stdout: string): unknown {
  try {
    return mask(JSON.parse(stdout));
  } catch {
    return normalizeText(stdout);
  }
}

function mask(value: unknown, key = ''): unknown {
  // Who acted differs by nature (cli:<user> against an admin secret), and so do the admin secrets themselves.
  if (['actor', 'actorName', 'actorIp', 'by', 'scimUrl', 'suffix', 'adminSecrets'].includes(key)) return '<masked>';
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  return typeof value === 'string' ? normalizeText(value) : value;
}

function normalizeText(text: string): string {
  const seen = new Map<string, string>();
  return text
    .replace(/\b(dir|sec|aud)_[0-9A-Za-z]{13}\b/g, (id) => seen.get(id) ?? (seen.set(id, `<${id.slice(0, 3)}${seen.size}>`), seen.get(id)!))
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, '<time>')
    .replace(/scimd_[0-9A-Za-z]{49}/g, '<secret>')
    .replace(/…[0-9A-Za-z]{4}/g, '…<suffix>')
    .replace(/http:\/\/[^\s"]+\/scim\/v2/g, '<scimUrl>');
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
