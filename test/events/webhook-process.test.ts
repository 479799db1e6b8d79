import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { verifyWebhookRequest } from '../../src/webhooks/verify.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd } from '../support/scimd-cli.js';
import { CLI, startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { startReceiver, type WebhookReceiver } from './webhook-receiver.js';
import { waitFor } from '../support/wait.js';

const SERVE_FLAGS = ['--no-bootstrap', '--webhook-timeout', '5s', '--webhook-retry-min-delay', '1s', '--webhook-retry-max-delay', '1s'];

for (const backend of BACKENDS) {
  describe(`webhooks of a real scimd process (${backend})`, () => {
    let database: TestDatabase;
    let receiver: WebhookReceiver;
    let env: NodeJS.ProcessEnv;
    let scimd: ScimdProcess | undefined;
    let directoryId: string;
    let webhook: { id: string; secret: string };
    let clientSecret: string;

    /** Runs a `--json` CLI command on the test database. */
    const cli = async (args: string[]) => {
      const result = await runScimd([...args, '--db', database.url, '--json'], env);
      assert.equal(result.code, 0, `scimd ${args.join(' ')}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    };

    before(async () => {
      database = await createTestDatabase(backend);
      // One key for the CLI and the server, as replicas share SCIMD_ENCRYPTION_KEY.
      env = { SCIMD_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
      receiver = await startReceiver();
      await runScimd(['migrate', '--db', database.url], env);
      directoryId = (await cli(['directory', 'create', 'crash'])).id;
      clientSecret = (await cli(['token', 'create', 'crash'])).secret;
      webhook = await cli(['webhook', 'add', receiver.url, '--directory', 'crash', '--events', 'user.*']);
    });
    after(async () => {
      await scimd?.stop('SIGKILL');
      await receiver.close();
      await database.drop();
    });

    it('kill -9 during a delivery loses nothing: after a restart every event arrives, in order', async () => {
      // The third delivery never gets an answer: scimd is killed while it waits for it.
      receiver.behaviour = (n) => (n === 3 ? 'hang' : 200);
      scimd = await startScimd(['--db', database.url, ...SERVE_FLAGS], env);
      for (let i = 0; i < 8; i++) {
        const response = await fetch(`${scimd.url}/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `crash-${i}` }),
        });
        assert.equal(response.status, 201);
      }
      await receiver.waitFor((r) => r.length >= 3, 30_000, 'the delivery that hangs');
      await scimd.stop('SIGKILL');
      receiver.behaviour = () => 200;

      scimd = await startScimd(['--db', database.url, ...SERVE_FLAGS], env);
      await receiver.waitFor((r) => new Set(r.filter((x) => x.status === 200).map((x) => x.json.sequence)).size >= 8, 30_000, 'every user event after the restart');
      const accepted = receiver.accepted();
      const names = accepted.map((r) => r.json.data.attributes.userName);
      assert.deepEqual(names, Array.from({ length: 8 }, (_, i) => `crash-${i}`));
      const sequences = accepted.map((r) => r.json.sequence as number);
      assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
      // The event in flight at the kill was sent again with the same webhook-id: a duplicate the receiver can drop.
      assert.ok(receiver.received.filter((r) => r.headers['webhook-id'] === receiver.received[2].headers['webhook-id']).length >= 2);
      for (const r of accepted) assert.equal(verifyWebhookRequest(webhook.secret, r.headers, r.body), true);
    });

    it('the CLI reads the feed and the delivery log, on the database and through the server', async () => {
      const local = await runScimd(['events', 'tail', 'crash', '--after', '0', '--no-follow', '--json', '--db', database.url], env);
      assert.equal(local.code, 0, local.stderr);
      const lines = local.stdout.trim().split('\n').map((line) => JSON.parse(line));
      assert.ok(lines.filter((e) => e.type === 'user.created').length === 8);
      lines.forEach((event, i) => assert.equal(event.sequence, i + 1));

      const admin = (await cli(['admin', 'token', 'create'])).secret as string;
      const remoteEnv = { ...env, SCIMD_ADMIN_SECRET: admin };
      const listed = await runScimd(['webhook', 'list', '--url', scimd!.url, '--json'], remoteEnv);
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(JSON.parse(listed.stdout)[0].id, webhook.id);
      const log = await runScimd(['webhook', 'deliveries', webhook.id, '--url', scimd!.url], remoteEnv);
      assert.match(log.stdout, /user\.created/);
      const test = await runScimd(['webhook', 'test', webhook.id, '--url', scimd!.url], remoteEnv);
      assert.equal(test.code, 0, test.stderr);
      assert.match(test.stdout, /Delivered: HTTP 200/);

      // events tail follows: a user created after it started shows up on its output. It starts after the
      // sequence a listing reports, so a slow start of the CLI cannot make it begin past the new event.
      const listing = await fetch(`${scimd!.url}/Users?count=1`, { headers: { authorization: `Bearer ${clientSecret}` } });
      const from = listing.headers.get('x-scimd-event-sequence')!;
      const tail = spawn(process.execPath, [CLI, 'events', 'tail', 'crash', '--after', from, '--url', scimd!.url], { env: { ...process.env, ...remoteEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      tail.stdout.on('data', (chunk) => (output += chunk));
      try {
        await fetch(`${scimd!.url}/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'tailed' }),
        });
        await waitFor('the tailed event', () => /user\.created\s+tailed \(User\//.test(output), { detail: () => output });
      } finally {
        tail.kill();
      }

      const help = await runScimd(['webhook', '--help']);
      for (const sub of ['add', 'list', 'remove', 'test', 'resend', 'deliveries', 'replay', 'rotate-secret']) assert.match(help.stdout, new RegExp(`\\b${sub}\\b`));
      const bad = await runScimd(['webhook', 'add', 'ftp://x/y', '--directory', 'crash', '--db', database.url], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /http:\/\/ or https:\/\//);
      assert.equal(directoryId.startsWith('dir_'), true);
    });
  });
}
