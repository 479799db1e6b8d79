import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { DEFAULT_NOTIFY_CONFIG } from '../../src/notifications/notify-config.js';
import { ADMIN_STREAM } from '../../src/events/system-streams.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';
import { startReceiver, type WebhookReceiver } from '../events/webhook-receiver.js';

const DAY = 86_400_000;
const FAST = { webhookRetryMinDelayMs: 30, webhookRetryMaxDelayMs: 150, webhookRetryWindowMs: 3_600_000, webhookTimeoutMs: 5_000, eventPollMs: 50 };

/** `2026-12-16 14:05 UTC`, as messages write times. */
const shown = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Admin secrets belong to no directory, so their events go to the outbox's admin stream, which
 * every recipient without a directory delivers like any other stream: once, retried with backoff
 * while the channel fails, logged. Their expiry warnings and the rejection of an expired or
 * revoked admin secret (at most hourly) reach people that way; directory recipients hear nothing.
 */
for (const backend of BACKENDS) {
  describe(`admin secret notifications (${backend})`, () => {
    let server: TestServer;
    let admin: AdminCall;
    let sink: SmtpSink;
    let everything: WebhookReceiver;
    let oneDirectory: WebhookReceiver;
    const ids = { mail: '', slack: '', teams: '' };
    /** The expired admin secret the rejection tests present. */
    let nightly: { id: string; text: string };
    /** The server's clock follows real time plus this offset, so retries come due and a test can move an hour on. */
    let offsetMs = 0;
    let ticking: NodeJS.Timeout;

    const adminStream = () => server.store.readEvents(ADMIN_STREAM, 0, 100);
    const mailsAbout = (text: string) => sink.mails.filter((m) => m.subject.includes(text));
    const adminSecret = async (name: string, lifetimeDays: number, createdDaysAgo: number) => {
      const { record, secret } = await createSecret(server.store, { directoryId: null, scope: 'admin', name, lifetimeMs: lifetimeDays * DAY, now: new Date(server.clock.now.getTime() - createdDaysAgo * DAY) });
      return { id: record.id, text: secret, suffix: record.suffix, expiresAt: record.expiresAt! };
    };
    const deliveries = async (recipient: string): Promise<{ eventType: string; outcome: string; attempt: number; error: string | null }[]> =>
      (await admin('GET', `/notifications/log?recipient=${recipient}`)).body.deliveries;

    before(async () => {
      sink = await startSmtpSink();
      everything = await startReceiver();
      oneDirectory = await startReceiver();
      server = await startTestServer(backend, {
        ...FAST,
        notify: { ...DEFAULT_NOTIFY_CONFIG, quietAfterMs: 0, smtpUrl: sink.url, from: 'scimd@example.com', publicUrl: 'https://scim.example.com' },
      });
      ticking = setInterval(() => (server.clock.now = new Date(Date.now() + offsetMs)), 10);
      server.app.webhooks.start(server.baseUrl);
      admin = (await adminApi(server)).call;
      await server.createDirectory('acme');
      ids.mail = (await admin('POST', '/notifications', { recipient: 'ops@example.com' })).body.id;
      ids.slack = (await admin('POST', '/notifications', { recipient: `slack+${everything.url}` })).body.id;
      ids.teams = (await admin('POST', '/notifications', { recipient: `teams+${oneDirectory.url}`, directory: 'acme' })).body.id;
    });
    afterEach(() => {
      offsetMs = 0;
    });
    after(async () => {
      clearInterval(ticking);
      await server?.close();
      await sink?.close();
      await everything?.close();
      await oneDirectory?.close();
    });

    it('mails an expiring admin secret through the outbox: refused twice by the SMTP server, retried with backoff, delivered once', async () => {
      sink.refusing = 2;
      const ops = await adminSecret('ops', 10, 5);
      assert.equal((await server.app.lifecycle.runOnce(server.clock.now)).warned, 1);
      assert.deepEqual((await adminStream()).map((e) => [e.type, e.data.secretId, e.data.daysLeft]), [['secret.expiring', ops.id, 5]]);

      const log = await waitFor('the warning to be delivered after two refusals', async () => {
        const entries = await deliveries(ids.mail);
        return entries.some((d) => d.outcome === 'delivered') ? entries : undefined;
      });
      assert.deepEqual(log.reverse().map((d) => `${d.eventType} ${d.outcome}#${d.attempt}`), ['secret.expiring failed#1', 'secret.expiring failed#2', 'secret.expiring delivered#3']);
      assert.match(log[0]!.error!, /451/);
      assert.equal(sink.refused, 2);
      const [mail, ...more] = mailsAbout('Admin secret "ops" expires in 5 days');
      assert.ok(mail, `the warning mail; got ${sink.mails.map((m) => m.subject).join(' | ')}`);
      assert.equal(more.length, 0, 'delivered once');
      assert.deepEqual(mail.to, ['ops@example.com']);
      assert.ok(mail.text.includes(`"ops" (…${ops.suffix}, ${ops.id})`));
      assert.ok(mail.text.includes(`${shown(ops.expiresAt)} (5 days left)`));
      assert.ok(mail.text.includes(`scimd admin token revoke ${ops.id}`));
      assert.ok(!mail.raw.includes(ops.text), 'never the secret');

      await everything.waitFor((r) => r.length >= 1, 30_000, 'the Slack message');
      assert.equal(everything.received[0]!.json.blocks[0].text.text, '🟠 Admin secret "ops" expires in 5 days');
      // A directory's recipient has no admin stream, so it can never be told.
      assert.ok(!(await server.store.webhooks.listStreams(ids.teams)).some((s) => s.directoryId === ADMIN_STREAM));
      assert.ok((await server.store.webhooks.listStreams(ids.mail)).some((s) => s.directoryId === ADMIN_STREAM));
      assert.equal(oneDirectory.received.length, 0);
    });

    it('does not repeat the warning on later sweeps, and tells the expiry once when it comes', async () => {
      assert.equal((await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + DAY))).warned, 0);
      assert.equal((await adminStream()).length, 1);
      assert.equal((await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + 6 * DAY))).expired, 1);
      assert.deepEqual((await adminStream()).map((e) => e.type), ['secret.expiring', 'secret.expired']);
      await waitFor('the expiry mail', () => mailsAbout('Admin secret "ops" has expired').length);
      await waitFor('the expiry in the log', async () => (await deliveries(ids.mail)).some((d) => d.eventType === 'secret.expired' && d.outcome === 'delivered'));
      assert.equal(mailsAbout('Admin secret "ops"').length, 2);
    });

    it('announces an expired admin secret presented to the admin API once (still 401), and not again within the hour', async () => {
      const old = (nightly = await adminSecret('nightly export', 30, 40));
      const seen = (await adminStream()).length;
      const refused = await admin('GET', '/directories', undefined, old.text);
      assertProblem(refused, 401);
      assert.equal(refused.body.detail, 'The admin secret has expired');
      const events = (await adminStream()).slice(seen);
      assert.deepEqual(events.map((e) => [e.type, e.data.secretId, e.data.reason, e.data.via]), [['auth.rejected', old.id, 'expired', 'admin_api']]);

      const [mail] = await waitFor('the rejection mail', () => {
        const found = mailsAbout('Something still uses the expired admin secret "nightly export"');
        return found.length ? found : undefined;
      });
      assert.ok(mail!.text.includes(`"nightly export" (…${old.suffix}, ${old.id})`));
      assert.ok(mail!.text.includes(`${shown(old.expiresAt)} (10 days ago)`));
      assert.ok(mail!.text.includes('to the admin API'));
      assert.ok(mail!.text.includes('scimd admin token create --name "nightly export'));
      assert.ok(!mail!.raw.includes(old.text), 'never the secret');

      assertProblem(await admin('GET', '/directories', undefined, old.text), 401);
      assert.equal((await adminStream()).slice(seen).length, 1, 'one event within the hour');
      // A revoked secret at console sign-in is the next event on the same stream: once its mail
      // is in, a second mail about the first secret would already have come before it.
      const laptop = await adminSecret('laptop', 365, 1);
      assertOk(await admin('DELETE', `/admin/secrets/${laptop.id}`));
      const signIn = await server.raw('POST', `${server.origin}/api/v1/session`, { body: JSON.stringify({ secret: laptop.text }), headers: { 'content-type': 'application/json' } });
      assert.equal(signIn.status, 401);
      const [revokedMail] = await waitFor('the revoked secret mail', () => {
        const found = mailsAbout('Something still uses the revoked admin secret "laptop"');
        return found.length ? found : undefined;
      });
      assert.ok(revokedMail!.text.includes('to the console sign-in'));
      assert.equal(mailsAbout('"nightly export"').length, 1, 'no second message within the hour');
    });

    it('announces it again once an hour has passed', async () => {
      offsetMs = 61 * 60_000;
      server.clock.now = new Date(Date.now() + offsetMs);
      assertProblem(await admin('GET', '/directories', undefined, nightly.text), 401);
      await waitFor('the second rejection mail', () => mailsAbout('Something still uses the expired admin secret "nightly export"').length === 2);
      assert.equal((await adminStream()).filter((e) => e.type === 'auth.rejected' && e.data.secretName === 'nightly export').length, 2);
    });
  });
}
