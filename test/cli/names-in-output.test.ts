import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runSql } from '../support/raw-sql.js';
import { runScimd, scimdJson } from '../support/scimd-cli.js';

/** An ISO timestamp as the API gives it; text output shows `2026-11-28 11:38` instead. */
const RAW_ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
const FRIENDLY = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d';

/** Text output names directories and audit targets beside their ids, and shows friendly dates; --json keeps the API's shapes. */
for (const backend of BACKENDS) {
  describe(`scimd text output names what ids stand for (${backend})`, () => {
    let database: TestDatabase;
    let db: string[];
    let directoryId = '';
    let webhookId = '';
    const run = async (...args: string[]) => {
      const result = await runScimd([...args, ...db]);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    before(async () => {
      database = await createTestDatabase(backend);
      db = ['--db', database.url];
      directoryId = (await scimdJson(['directory', 'create', 'acme', ...db])).id;
      webhookId = (await scimdJson(['webhook', 'add', 'http://127.0.0.1:9/hook', '--directory', 'acme', ...db])).id;
    });
    after(() => database.drop());

    it('webhook list and show name the directory beside its id; --json gives directoryName beside directoryId', async () => {
      const [list, shown, json, shownJson] = await Promise.all([run('webhook', 'list'), run('webhook', 'show', webhookId), scimdJson(['webhook', 'list', ...db]), scimdJson(['webhook', 'show', webhookId, ...db])]);
      assert.match(list, new RegExp(`^${webhookId}\\s+acme \\(${directoryId}\\)\\s+http://127\\.0\\.0\\.1:9/hook`, 'm'));
      assert.match(shown, new RegExp(`^${webhookId}\\s+acme \\(${directoryId}\\)`, 'm'), 'the webhook row');
      assert.match(shown, new RegExp(`^acme \\(${directoryId}\\)\\s+\\d+\\s+\\d+`, 'm'), "the directory's delivery stream");
      assert.equal(json[0].directoryId, directoryId);
      assert.equal(json[0].directoryName, 'acme');
      assert.equal(shownJson.directoryName, 'acme');
      assert.deepEqual(shownJson.streams.map((s: { directoryId: string; directoryName: string }) => [s.directoryId, s.directoryName]), [[directoryId, 'acme']]);
    });

    it('webhook rotate-secret and show print when the previous secret stops signing as a friendly date', async () => {
      const rotated = await run('webhook', 'rotate-secret', webhookId);
      assert.match(rotated, new RegExp(`the previous secret signs too until ${FRIENDLY}$`, 'm'));
      assert.match(rotated, new RegExp(`scope: +acme \\(${directoryId}\\)$`, 'm'));
      const shown = await run('webhook', 'show', webhookId);
      assert.match(shown, new RegExp(`^Previous secret signs until ${FRIENDLY}$`, 'm'));
      assert.doesNotMatch(rotated + shown, RAW_ISO);
    });

    it('notify list names the directory a recipient hears about', async () => {
      const added = await run('notify', 'add', 'ops@example.com', '--directory', 'acme');
      assert.match(added, new RegExp(`hears about directory acme \\(${directoryId}\\)`));
      assert.match(await run('notify', 'list'), new RegExp(`ops@example\\.com\\s+acme \\(${directoryId}\\)\\s+ok`));
    });

    it('directory show, token create and the health summaries of status print friendly dates', async () => {
      assert.match(await run('directory', 'show', 'acme'), new RegExp(`^created: +${FRIENDLY}$`, 'm'));
      const token = await run('token', 'create', 'acme', '--name', 'entra', '--expires-in', '10d');
      assert.match(token, new RegExp(`^ +expires: +${FRIENDLY} \\(\\d+ days\\)$`, 'm'));
      assert.doesNotMatch(token, RAW_ISO);
      const status = await runScimd(['status', ...db]);
      assert.equal(status.code, 2, 'an expiring secret needs attention');
      assert.match(status.stdout, new RegExp(`EXPIRING: client secret "entra" \\(…\\w{4}\\) expires in \\d+ days \\(${FRIENDLY}\\)`));
      assert.doesNotMatch(status.stdout, RAW_ISO);
    });

    it('audit names each target (directory, secret and last four, webhook host, recipient) and the directory, and keeps the names once the directory is deleted', async () => {
      const secret = (await scimdJson<{ entries: any[] }>(['audit', ...db])).entries.find((e) => e.action === 'secret.created');
      assert.match(secret.targetName, /^entra …\w{4}$/);
      const text = await run('audit');
      const line = (action: string) => text.split('\n').find((l) => l.includes(` ${action} `)) ?? assert.fail(`no ${action} line in\n${text}`);
      assert.match(line('directory.created'), new RegExp(`acme \\(${directoryId}\\)\\s+acme \\(${directoryId}\\)`));
      assert.ok(line('secret.created').includes(`${secret.targetName} (${secret.targetId})`));
      assert.ok(line('webhook.created').includes(`127.0.0.1:9 (${webhookId})`));
      assert.match(line('notification.recipient_added'), /ops@example\.com \(ntf_\w+\)/);
      assert.match(line('webhook.secret_rotated'), new RegExp(`previousSecretsExpireAt=${FRIENDLY}`));
      assert.doesNotMatch(text, RAW_ISO);

      await run('directory', 'delete', 'acme', '--confirm', 'acme');
      const afterDelete = await run('audit', '--directory', directoryId);
      assert.match(afterDelete.split('\n').find((l) => l.includes(' directory.deleted ')) ?? '', new RegExp(`acme \\(${directoryId}\\)\\s+acme \\(${directoryId}\\)`));
    });

    it('audit names the targets of entries written before names were recorded, from what their detail kept', async () => {
      await runSql(database.url, 'UPDATE audit_log SET target_name = NULL');
      const { entries } = await scimdJson<{ entries: any[] }>(['audit', ...db]);
      const named = (action: string) => entries.find((e) => e.action === action)?.targetName;
      assert.equal(named('directory.created'), 'acme');
      assert.match(named('secret.created'), /^entra …\w{4}$/);
      assert.equal(named('webhook.created'), '127.0.0.1:9');
      assert.equal(named('notification.recipient_added'), 'ops@example.com');
      assert.equal(named('webhook.secret_rotated'), null, 'a rotation kept no URL, and the webhook is gone with its directory');
    });
  });
}
