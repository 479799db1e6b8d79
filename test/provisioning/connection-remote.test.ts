import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { openConnectionStore } from '../../src/provisioning/store/open-connection-store.js';
import { CliHarness, type RemoteAdmin } from './support/cli-harness.js';

const ADMIN_SECRET = 'remote-admin-secret-for-the-connection-cli-0123456789';

/**
 * `scimd connection …` and `scimd sync …` with `--url`: the same commands act through a running
 * server's admin API, with the same output as on the database, and the same refusals.
 */
for (const backend of BACKENDS) {
  describe(`scimd connection and sync with --url on ${backend}`, () => {
    let h: CliHarness;
    let server: ScimdProcess;
    let remote: RemoteAdmin;

    before(async () => {
      h = await CliHarness.start(backend);
      h.file('users.csv', 'userName,externalId,name.givenName,name.familyName,active\nann@acme.com,1,Ann,Lee,true\nben@acme.com,2,Ben,Ko,true\n');
      h.file('mapping.json', JSON.stringify({ users: [{ source: 'userName', target: 'userName', matching: 1 }, { source: 'externalId', target: 'externalId' }, { source: 'active', target: 'active' }, { constant: 'Remote', target: 'title' }] }));
      // The server shares the engine database and its key file with the local commands. Its
      // scheduler would run a new connection at once: the connection is made with --schedule off.
      server = await startScimd(['--db', h.database.url, '--no-bootstrap'], { ...h.env, SCIMD_ADMIN_SECRET: ADMIN_SECRET });
      remote = { url: new URL(server.url).origin, adminSecret: ADMIN_SECRET };
    });
    after(async () => {
      await server?.stop();
      await h?.close();
    });

    it('creates, lists, shows and tests a connection through the admin API, reading the mapping file on the caller side', async () => {
      const created = await h.json(['connection', 'create', 'remote-hr', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', '-', '--secret-expires', '2030-01-31', '--mapping', `${h.dir}/mapping.json`, '--schedule', 'off'], { input: `${h.directory.secret}\n`, remote });
      assert.equal(created.name, 'remote-hr');
      assert.deepEqual(created.credential, { kind: 'bearer', expiresAt: '2030-01-31T00:00:00.000Z' });
      assert.equal(created.check.users, 2);
      assert.ok(Array.isArray(created.mappings.users), 'the mapping file was sent as a document');
      assert.ok(!JSON.stringify(created).includes(h.directory.secret));

      // What the server stored is what the database shows to the local command.
      const local = await h.json(['connection', 'show', 'remote-hr']);
      const shown = await h.json(['connection', 'show', 'remote-hr'], { remote });
      assert.deepEqual(shown, local);
      assert.deepEqual((await h.json(['connection', 'list'], { remote })).map((c: { name: string }) => c.name), ['remote-hr']);

      const test = await h.json(['connection', 'test', 'remote-hr'], { remote });
      assert.equal(test.ok, true, JSON.stringify(test.steps));
      const text = await h.run(['connection', 'test', 'remote-hr'], { remote });
      assert.equal(text.code, 0);
      assert.match(text.stdout, /The connection works\./);
    });

    it('runs a dry run, a cycle and a provision-on-demand on the server, and reads its cycles and log', async () => {
      const dry = await h.json(['sync', 'remote-hr', '--dry-run'], { remote });
      assert.equal(dry.cycle.dryRun, true);
      assert.equal(dry.plan.steps.filter((s: { action: string }) => s.action === 'create').length, 2);
      assert.equal(await h.userCount(), 0, 'a dry run sends nothing');

      const run = await h.run(['sync', 'remote-hr'], { remote });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Cycle \S+ of remote-hr: completed/);
      assert.match(run.stdout, /created 2/);
      assert.equal(await h.userCount(), 2);
      const titles = (await h.directory.request('GET', '/Users')).body.Resources.map((u: { title?: string }) => u.title);
      assert.deepEqual(titles, ['Remote', 'Remote'], 'the mapping from the caller-side file applied');

      const cycles = await h.json(['sync', 'cycles', 'remote-hr'], { remote });
      assert.deepEqual(cycles.map((c: { status: string; dryRun: boolean }) => [c.status, c.dryRun]), [['completed', false], ['completed', true]]);
      const log = await h.json(['sync', 'log', 'remote-hr', '--cycle', 'last'], { remote });
      assert.deepEqual(log.map((e: { action: string; result: string }) => `${e.action}:${e.result}`).sort(), ['create:success', 'create:success']);

      const onDemand = await h.json(['sync', 'remote-hr', '--user', '1'], { remote });
      assert.equal(onDemand.ok, true, JSON.stringify(onDemand.steps));
    });

    it('scimd status names a quarantined connection and an expiring target secret, on the database and through the server, and exits 2', async () => {
      const healthy = await h.run(['status', '--json']);
      assert.equal(healthy.code, 0, healthy.stderr);
      assert.deepEqual(JSON.parse(healthy.stdout).connections.map((c: { name: string; health: string }) => [c.name, c.health]), [['remote-hr', 'healthy']]);

      const store = await openConnectionStore(h.database.url);
      try {
        const connection = (await store.findConnection('remote-hr'))!;
        await store.setQuarantine(connection.id, { reason: 'credentials', detail: 'the target answered 401', since: '2026-11-28T10:00:00.000Z' });
      } finally {
        await store.close();
      }
      for (const where of [{}, { remote }]) {
        const report = await h.run(['status', '--json'], where);
        assert.equal(report.code, 2, 'a quarantined connection needs an admin');
        const [health] = JSON.parse(report.stdout).connections;
        assert.equal(health.health, 'quarantined');
        assert.equal(health.attention, true);
        assert.match(health.summary, /the target answered 401/);
        const text = await h.run(['status'], where);
        assert.match(text.stdout, /remote-hr +QUARANTINED/);
        assert.match(text.stdout, /Needs attention: 0 directories, 1 connection/);
      }

      const metrics = await (await fetch(`${remote.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_SECRET}` } })).text();
      assert.match(metrics, /scimd_connection_quarantined\{connection="remote-hr",connection_id="conn_[0-9a-f]+"\} 1/);
      assert.match(metrics, /scimd_connection_health\{connection="remote-hr",connection_id="conn_[0-9a-f]+",health="quarantined"\} 1/);
      assert.match(metrics, /scimd_connection_secret_expiry_seconds\{connection="remote-hr",connection_id="conn_[0-9a-f]+"\} \d+/);

      // Cleared, with a secret expiring in ten days: still attention, named as such.
      await h.json(['connection', 'clear-quarantine', 'remote-hr'], { remote });
      const soon = new Date(Date.now() + 10.5 * 86_400_000).toISOString().slice(0, 10);
      await h.json(['connection', 'set-secret', 'remote-hr', '--secret-expires', soon], { input: `${h.directory.secret}\n`, remote });
      const expiring = await h.run(['status', '--json'], { remote });
      assert.equal(expiring.code, 2);
      const [health] = JSON.parse(expiring.stdout).connections;
      assert.equal(health.health, 'credential_expiring');
      assert.ok(health.credentialDaysLeft === 9 || health.credentialDaysLeft === 10, String(health.credentialDaysLeft));
    });

    it('releases the deletion threshold, clears a quarantine, replaces the secret and deletes, as on the database', async () => {
      const allowed = await h.json(['connection', 'allow-deletions', 'remote-hr'], { remote });
      assert.equal(allowed.allowDeletes, true);
      const cleared = await h.json(['connection', 'clear-quarantine', 'remote-hr'], { remote });
      assert.equal(cleared.quarantine, null);
      const replaced = await h.json(['connection', 'set-secret', 'remote-hr', '--secret-expires', '2031-06-30'], { input: `${h.directory.secret}\n`, remote });
      assert.equal(replaced.credential.expiresAt, '2031-06-30T00:00:00.000Z');
      const deleted = await h.json(['connection', 'delete', 'remote-hr'], { remote });
      assert.equal(deleted.name, 'remote-hr');
      assert.deepEqual(await h.json(['connection', 'list']), []);
      assert.equal(await h.userCount(), 2, 'the target keeps what was provisioned');
    });

    it('answers the server\'s refusals: an unknown connection, a wrong admin secret, an unreachable server', async () => {
      const missing = await h.run(['sync', 'nobody'], { remote });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /No connection "nobody"/);
      const wrong = await h.run(['connection', 'list'], { remote: { ...remote, adminSecret: 'not-the-admin-secret-at-all-0123456789' } });
      assert.equal(wrong.code, 1);
      assert.doesNotMatch(wrong.stdout, /remote-hr/);
      const down = await h.run(['connection', 'list'], { remote: { ...remote, url: 'http://127.0.0.1:9' } });
      assert.equal(down.code, 1);
      assert.match(down.stderr, /Cannot reach scimd/);
    });
  });
}
