import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd } from '../support/scimd-cli.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

const ADMIN_SECRET = 'a-test-admin-secret-of-at-least-32-characters';

/** `scimd notify …` on the database and through a running server's admin API. */
for (const backend of BACKENDS) {
  describe(`scimd notify (${backend})`, () => {
    let database: TestDatabase;
    let keyDir: string;
    let sink: SmtpSink;
    let env: NodeJS.ProcessEnv;
    const ids: Record<string, string> = {};
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runScimd([...args, '--db', database.url], { ...env, ...extra });

    before(async () => {
      keyDir = await mkdtemp(join(tmpdir(), 'scimd-notify-cli-'));
      database = await createTestDatabase(backend);
      sink = await startSmtpSink();
      env = { SCIMD_KEY_FILE: join(keyDir, 'scimd.key') };
      const store = await openStore(database.url);
      await store.createDirectory({ id: 'dir_cli', name: 'acme', created: new Date().toISOString() });
      await store.close();
    });
    after(async () => {
      await sink?.close();
      await database?.drop();
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
    });

    it('notify add takes an e-mail address for everything, or a chat webhook for one directory', async () => {
      const email = await cli(['notify', 'add', 'ops@example.com']);
      assert.equal(email.code, 0, email.stderr);
      const match = /^Added (ntf_\S+): ops@example.com hears about every directory and the admin secrets\nSend a sample now: scimd notify test \1\n$/.exec(email.stdout);
      assert.ok(match, email.stdout);
      ids.email = match[1]!;
      const teams = await cli(['notify', 'add', 'teams+https://example.webhook.office.com/webhookb2/abc/IncomingWebhook/def/ghij', '--directory', 'acme', '--json']);
      assert.equal(teams.code, 0, teams.stderr);
      const added = JSON.parse(teams.stdout);
      assert.equal(added.channel, 'teams');
      assert.equal(added.directoryId, 'dir_cli');
      assert.equal(added.recipient, 'teams+https://example.webhook.office.com/…ghij');
      ids.teams = added.id;
    });

    it('notify add refuses what it cannot deliver to, and an unknown directory', async () => {
      const http = await cli(['notify', 'add', 'slack+http://hooks.example.com/x']);
      assert.equal(http.code, 1);
      assert.match(http.stderr, /must be https:\/\/ \(http:\/\/ only on a loopback address\)/);
      const bare = await cli(['notify', 'add', 'ops']);
      assert.equal(bare.code, 1);
      assert.match(bare.stderr, /is not an e-mail address, slack\+https:\/\/… or teams\+https:\/\/…/);
      const unknown = await cli(['notify', 'add', 'ops@example.com', '--directory', 'nope']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /nope/);
    });

    it('notify list shows every recipient with its channel, scope and state', async () => {
      const table = await cli(['notify', 'list']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^ID +CHANNEL +RECIPIENT +DIRECTORY +STATE/);
      assert.match(table.stdout, new RegExp(`${ids.email} +email +ops@example.com +\\(all\\) +ok`));
      assert.match(table.stdout, new RegExp(`${ids.teams} +teams +teams\\+https://example.webhook.office.com/…ghij +acme \\(dir_cli\\) +ok`));
      const json = JSON.parse((await cli(['notify', 'list', '--json'])).stdout);
      assert.deepEqual(json.map((r: { id: string }) => r.id), [ids.email, ids.teams]);
    });

    it('notify test sends a sample through the SMTP server now and logs it', async () => {
      const sent = await cli(['notify', 'test', ids.email!], { SCIMD_SMTP_URL: sink.url, SCIMD_NOTIFY_FROM: 'scimd@example.com' });
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(sent.stdout, /^Delivered in \d+ ms: 250 /);
      assert.equal(sink.mails.length, 1);
      assert.equal(sink.mails[0]!.subject, '[scimd] scimd notifications work');
      assert.deepEqual(sink.mails[0]!.to, ['ops@example.com']);
    });

    it('notify test without an SMTP server fails, says how to configure one and exits 1', async () => {
      const sent = await cli(['notify', 'test', ids.email!]);
      assert.equal(sent.code, 1);
      assert.match(sent.stdout, /^Failed in 0 ms: no SMTP server: start scimd serve with --smtp-url \(SCIMD_SMTP_URL\)/);
    });

    it('notify log lists the attempts, newest first', async () => {
      const log = JSON.parse((await cli(['notify', 'log', '--json'])).stdout);
      assert.deepEqual(
        log.deliveries.map((d: { outcome: string; kind: string; eventType: string; recipient: string }) => [d.outcome, d.kind, d.eventType, d.recipient]),
        [
          ['failed', 'test', 'notify.test', 'ops@example.com'],
          ['delivered', 'test', 'notify.test', 'ops@example.com'],
        ],
      );
      const table = await cli(['notify', 'log', '--recipient', ids.email!, '--limit', '1']);
      assert.match(table.stdout, /^AT +RECIPIENT +EVENT +ATTEMPT +OUTCOME +ANSWER\n.*ops@example.com +notify.test +1 +failed \(test\) +no SMTP server/);
      assert.equal(table.stdout.trim().split('\n').length, 2);
    });

    it('works the same through a running server with --url', async () => {
      let server: ScimdProcess | undefined;
      try {
        server = await startScimd(['--db', database.url, '--no-bootstrap'], { ...env, SCIMD_ADMIN_SECRET: ADMIN_SECRET });
        const origin = new URL(server.url).origin;
        const remote = (args: string[]) => runScimd([...args, '--url', origin], { SCIMD_ADMIN_SECRET: ADMIN_SECRET });
        const added = await remote(['notify', 'add', 'sec@example.com', '--directory', 'acme', '--json']);
        assert.equal(added.code, 0, added.stderr);
        const id = JSON.parse(added.stdout).id;
        const list = JSON.parse((await remote(['notify', 'list', '--json'])).stdout);
        assert.deepEqual(list.map((r: { recipient: string }) => r.recipient), ['ops@example.com', 'teams+https://example.webhook.office.com/…ghij', 'sec@example.com']);
        const removed = await remote(['notify', 'remove', id]);
        assert.equal(removed.stdout, `Removed ${id} (sec@example.com)\n`);
        const missing = await remote(['notify', 'remove', id]);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /No notification recipient with id/);
      } finally {
        await server?.stop();
      }
    });

    it('notify remove deletes a recipient on the database', async () => {
      const removed = await cli(['notify', 'remove', ids.teams!, '--json']);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(JSON.parse(removed.stdout).id, ids.teams);
      assert.deepEqual(JSON.parse((await cli(['notify', 'list', '--json'])).stdout).map((r: { id: string }) => r.id), [ids.email]);
    });
  });
}
