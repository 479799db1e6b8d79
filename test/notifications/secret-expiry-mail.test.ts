import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { NotificationService } from '../../src/notifications/notification-service.js';
import { connectionEncryptor } from '../../src/provisioning/connections/encryption-key.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.js';
import { waitFor } from '../support/wait.js';

const DAY = 86_400_000;
const PUBLIC_URL = 'https://scim.example.com';

/**
 * The path the product exists for, end to end: a client secret inside its warning window, an
 * expired one still sent by the identity provider, one recipient added with no directory, a real
 * `scimd serve` and a real SMTP server that requires a login. The mails arrive, say what
 * happened and what to do, and never carry a secret.
 */
for (const backend of BACKENDS) {
  describe(`secret notifications by e-mail from scimd serve (${backend})`, () => {
    let database: TestDatabase;
    let keyDir: string;
    let sink: SmtpSink;
    let server: ScimdProcess;
    let store: Store;
    let directoryId: string;
    let recipientId: string;
    const secrets: Record<string, { id: string; secret: string; suffix: string; expiresAt: string }> = {};
    const mailAbout = (text: string) => sink.mails.find((m) => m.subject.includes(text));

    before(async () => {
      keyDir = await mkdtemp(join(tmpdir(), 'scimd-notify-'));
      const env = { SCIMD_KEY_FILE: join(keyDir, 'scimd.key') };
      database = await createTestDatabase(backend);
      sink = await startSmtpSink();
      store = await openStore(database.url);
      const now = Date.now();
      directoryId = (await store.createDirectory({ id: 'dir_notify', name: 'acme', created: new Date(now - 30 * DAY).toISOString() })).id;
      const make = async (name: string, createdDaysAgo: number, lifetimeDays: number) => {
        const { record, secret } = await createSecret(store, { directoryId, scope: 'scim', name, lifetimeMs: lifetimeDays * DAY, now: new Date(now - createdDaysAgo * DAY) });
        secrets[name] = { id: record.id, secret, suffix: record.suffix, expiresAt: record.expiresAt! };
      };
      await make('Entra', 5, 15); // expires in ten days
      await make('stale', 3, 1); // expired two days ago
      const service = new NotificationService(store, {
        clock: () => new Date(),
        encryptor: connectionEncryptor(database.url, env),
        delivery: () => assert.fail('no sending while setting up'),
      });
      recipientId = (await service.create({ id: 'cli:test', ip: null }, { recipient: 'ops@example.com' })).id;

      server = await startScimd(['--db', database.url, '--no-bootstrap', '--smtp-url', sink.url, '--notify-from', 'scimd <scimd@example.com>'], {
        ...env,
        SCIMD_PUBLIC_URL: `${PUBLIC_URL}/`,
      });
      const detail = () => `${server.output()}\n${server.errors()}\nmails: ${sink.mails.map((m) => m.subject).join(' | ')}`;
      await waitFor('the expiry mails', () => mailAbout('expires in 10 days') && mailAbout('has expired'), { detail });
      const refused = await fetch(`${server.url}/Users`, { headers: { authorization: `Bearer ${secrets.stale.secret}`, 'user-agent': 'Azure AD SCIM Provisioning' } });
      assert.equal(refused.status, 401);
      await waitFor('the rejection mail', () => mailAbout('still sends an expired secret'), { detail });
    });

    after(async () => {
      await server?.stop();
      await store?.close();
      await sink?.close();
      await database?.drop();
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
    });

    it('mails the expiry warning to the recipient, logged in to the SMTP server, from --notify-from', () => {
      const mail = mailAbout('expires in 10 days')!;
      assert.deepEqual(mail.to, ['ops@example.com']);
      assert.equal(mail.from, 'scimd@example.com');
      assert.equal(mail.user, 'scimd');
      assert.equal(mail.subject, '[scimd] Client secret "Entra" of directory "acme" expires in 10 days');
    });

    it('says what happened, which directory and secret, when it expires, days left and that no successor carries traffic', () => {
      const { text } = mailAbout('expires in 10 days')!;
      const day = secrets.Entra.expiresAt.slice(0, 10);
      assert.match(text, /of directory "acme" expires in 10 days\. No newer secret carries traffic yet/);
      assert.match(text, new RegExp(`Secret: +"Entra" \\(…${secrets.Entra.suffix}, ${secrets.Entra.id}\\)`));
      assert.match(text, new RegExp(`Expires: +${day} \\d\\d:\\d\\d UTC \\(10 days left\\)`));
      assert.match(text, /Successor: +none carries traffic yet/);
    });

    it('gives the exact next steps for Entra and the console link from SCIMD_PUBLIC_URL, in plain text and HTML', () => {
      const { text, html } = mailAbout('expires in 10 days')!;
      for (const body of [text, html]) {
        assert.ok(body.includes('scimd token create acme --name'), 'create a successor');
        assert.ok(body.includes('Provisioning → Admin Credentials → Secret Token'), 'where Entra keeps it');
        assert.ok(body.includes('Click Test Connection, then Save'), 'Test Connection and Save');
        assert.ok(body.includes(`scimd token revoke ${secrets.Entra.id}`), 'retire the old one');
      }
      assert.ok(text.includes(`Open the directory in the scimd console: ${PUBLIC_URL}/#/directories/${directoryId}`));
      assert.ok(html.includes(`<a href="${PUBLIC_URL}/#/directories/${directoryId}">Open the directory in the scimd console</a>`));
      assert.ok(html.includes('<code>scimd token list acme</code>'));
    });

    it('mails the expiry of a secret and the rejection of the expired secret still being sent', () => {
      const expired = mailAbout('has expired')!;
      assert.equal(expired.subject, '[scimd] Client secret "stale" of directory "acme" has expired');
      assert.match(expired.text, /Expired: +\S+ \d\d:\d\d UTC \(2 days ago\)/);
      const rejected = mailAbout('still sends an expired secret')!;
      assert.match(rejected.text, /keeps presenting the client secret "stale" \(…\w{4}\) of directory "acme"/);
      assert.match(rejected.text, /provisioning into this directory has stopped/);
      assert.ok(rejected.text.includes('Provisioning → Admin Credentials → Secret Token'));
    });

    it('never puts a secret into a message', () => {
      for (const mail of sink.mails as ReceivedMail[]) {
        for (const { secret } of Object.values(secrets)) {
          assert.ok(!mail.raw.includes(secret), 'the whole secret');
          assert.ok(!mail.raw.includes(secret.slice(6, 26)), 'a piece of its random part');
        }
      }
    });

    it('logs each delivery on the recipient, once per event', async () => {
      // The log entry is written just after the SMTP server accepted the mail.
      const delivered = async () => (await store.webhooks.listDeliveries({ webhookId: recipientId, limit: 50 })).filter((d) => d.outcome === 'delivered');
      await waitFor('three logged deliveries', async () => (await delivered()).length >= 3);
      const deliveries = await delivered();
      const types = deliveries.map((d) => d.eventType).sort();
      assert.deepEqual(types, ['auth.rejected', 'secret.expired', 'secret.expiring']);
      assert.equal(sink.mails.length, 3);
      assert.match(deliveries[0]!.responseExcerpt ?? '', /^250/);
    });
  });
}
