import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';
import { startReceiver, type WebhookReceiver } from '../events/webhook-receiver.js';

const DAY = 86_400_000;
const PUBLIC_URL = 'https://scim.example.com';
const FAST = { webhookRetryMinDelayMs: 30, webhookRetryMaxDelayMs: 150, webhookRetryWindowMs: 3_600_000, webhookTimeoutMs: 1500, eventPollMs: 50 };

/**
 * /api/v1/notifications over real HTTP, and the chat formats as a local receiver gets them:
 * recipients of each channel, a sample sent now, a real secret expiry delivered by the
 * dispatcher to e-mail, Slack and Teams, a failing channel shown as failing, the delivery log.
 */
for (const backend of BACKENDS) {
  describe(`notifications admin API and chat formats (${backend})`, () => {
    let server: TestServer;
    let admin: AdminCall;
    let sink: SmtpSink;
    let slack: WebhookReceiver;
    let teams: WebhookReceiver;
    let broken: WebhookReceiver;
    let directoryId: string;
    let directorySecret: string;
    const ids: Record<string, string> = {};
    let expiring: { id: string; secret: string };
    let ticking: NodeJS.Timeout;

    before(async () => {
      sink = await startSmtpSink();
      slack = await startReceiver();
      teams = await startReceiver();
      broken = await startReceiver(() => 500);
      server = await startTestServer(backend, { ...FAST, notify: { smtpUrl: sink.url, from: 'scimd@example.com', quietAfterMs: 0, publicUrl: PUBLIC_URL } });
      // The server's clock follows real time, so retries come due.
      ticking = setInterval(() => (server.clock.now = new Date()), 10);
      server.app.webhooks.start(server.baseUrl);
      admin = (await adminApi(server)).call;
      const directory = await server.createDirectory('acme');
      directoryId = directory.id;
      directorySecret = directory.secret;
    });
    after(async () => {
      clearInterval(ticking);
      await server?.close();
      for (const closable of [sink, slack, teams, broken]) await closable?.close();
    });

    it('adds an e-mail recipient for everything, and chat recipients for one directory by name', async () => {
      const email = await admin('POST', '/notifications', { recipient: 'ops@example.com' });
      assertOk(email, 201);
      assert.equal(email.headers.get('location'), `/api/v1/notifications/${email.body.id}`);
      assert.deepEqual({ ...email.body, id: undefined, created: undefined }, {
        id: undefined,
        created: undefined,
        channel: 'email',
        recipient: 'ops@example.com',
        directoryId: null,
        state: 'ok',
        failingSince: null,
        lastError: null,
      });
      ids.email = email.body.id;
      for (const [name, recipient] of [
        ['slack', `slack+${slack.url}`],
        ['teams', `teams+${teams.url}`],
        ['broken', `slack+${broken.url}`],
      ] as const) {
        const response = await admin('POST', '/notifications', { recipient, directory: 'acme' });
        assertOk(response, 201);
        assert.equal(response.body.directoryId, directoryId);
        assert.equal(response.body.channel, name === 'teams' ? 'teams' : 'slack');
        assert.ok(!response.body.recipient.includes('/hooks'), `the list shows no whole chat URL: ${response.body.recipient}`);
        ids[name] = response.body.id;
      }
    });

    it('keeps chat URLs encrypted at rest', async () => {
      const stored = (await server.store.webhooks.findRecipient(ids.slack!))!;
      assert.match(stored.address, /^v1:/);
      assert.ok(!stored.address.includes('127.0.0.1'));
    });

    it('refuses recipients it cannot reach, with a problem saying why', async () => {
      assertProblem(await admin('POST', '/notifications', { recipient: 'teams+http://teams.example.com/hook' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/notifications', { recipient: 'https://hooks.slack.com/services/x' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/notifications', { recipient: 'ops at example' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/notifications', { recipient: 'ops@example.com', directory: 'nope' }), 404, 'not-found');
      assertProblem(await admin('POST', '/notifications', { recipient: 'ops@example.com', channel: 'sms' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/notifications', { recipient: 'ops@example.com' }, directorySecret), 403);
    });

    it('lists recipients apart from webhooks', async () => {
      const list = await admin('GET', '/notifications');
      assertOk(list);
      assert.deepEqual(list.body.recipients.map((r: { id: string }) => r.id).sort(), Object.values(ids).sort());
      assert.deepEqual((await admin('GET', '/webhooks')).body.webhooks, []);
      assertProblem(await admin('GET', `/webhooks/${ids.email}`), 404, 'not-found');
    });

    it('sends a Slack sample now, as Block Kit with a plain-text fallback, and logs it as a test', async () => {
      const sent = await admin('POST', `/notifications/${ids.slack}/test`, {});
      assertOk(sent);
      assert.equal(sent.body.outcome, 'delivered');
      assert.equal(sent.body.kind, 'test');
      const body = slack.received.at(-1)!.json;
      assert.match(body.text, /^scimd notifications work: This is a test message from scimd/);
      assert.equal(body.blocks[0].type, 'header');
      assert.equal(body.blocks[0].text.text, '🟢 scimd notifications work');
      assert.equal(body.blocks.at(-1).elements[0].url, `${PUBLIC_URL}/#/notifications`);
    });

    it('delivers a secret expiry to e-mail, Slack and Teams in their formats, never with the secret', async () => {
      const created = new Date(server.clock.now.getTime() - 2 * DAY);
      const made = await createSecret(server.store, { directoryId, scope: 'scim', name: 'Entra', lifetimeMs: DAY, now: created });
      expiring = { id: made.record.id, secret: made.secret };
      await server.app.lifecycle.runOnce(server.clock.now);
      await waitFor('the expiry on every channel', () => slack.received.some((r) => r.json?.text?.includes('has expired')) && teams.received.length > 0 && sink.mails.length > 0);

      const slackBody = slack.received.find((r) => r.json?.text?.includes('has expired'))!.json;
      assert.equal(slackBody.blocks[0].text.text, '🔴 Client secret "Entra" of directory "acme" has expired');
      const fields = slackBody.blocks.find((b: { fields?: unknown }) => b.fields).fields.map((f: { text: string }) => f.text);
      assert.ok(fields.includes('*Directory*\n"acme"'));
      assert.ok(fields.includes(`*Secret*\n"Entra" (…${made.record.suffix}, ${made.record.id})`));
      assert.match(slackBody.blocks.find((b: { text?: { text: string } }) => b.text?.text.startsWith('*What to do next*')).text.text, /Provisioning → Admin Credentials → Secret Token/);
      assert.equal(slackBody.blocks.at(-1).elements[0].url, `${PUBLIC_URL}/#/directories/${directoryId}`);

      const teamsBody = teams.received[0]!.json;
      assert.equal(teamsBody.type, 'message');
      const attachment = teamsBody.attachments[0];
      assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.equal(attachment.content.type, 'AdaptiveCard');
      assert.equal(attachment.content.body[0].text, 'Client secret "Entra" of directory "acme" has expired');
      assert.equal(attachment.content.body[0].color, 'Attention');
      const facts = attachment.content.body.find((b: { type: string }) => b.type === 'FactSet').facts;
      assert.deepEqual(facts[0], { title: 'Directory', value: '"acme"' });
      assert.match(JSON.stringify(attachment.content.body), /Click Test Connection, then Save/);
      assert.deepEqual(attachment.content.actions, [{ type: 'Action.OpenUrl', title: 'Open the directory in the scimd console', url: `${PUBLIC_URL}/#/directories/${directoryId}` }]);

      assert.equal(sink.mails[0]!.subject, '[scimd] Client secret "Entra" of directory "acme" has expired');
      for (const text of [...slack.received.map((r) => r.body), ...teams.received.map((r) => r.body), ...sink.mails.map((m) => m.raw)]) {
        assert.ok(!text.includes(expiring.secret) && !text.includes(directorySecret));
      }
    });

    it('shows a failing channel as failing, with its error, and logs every attempt', async () => {
      await waitFor('the broken channel to be retried', () => broken.received.length >= 2);
      const list = (await admin('GET', '/notifications')).body.recipients;
      const failing = list.find((r: { id: string }) => r.id === ids.broken);
      assert.equal(failing.state, 'failing');
      assert.equal(failing.lastError, 'HTTP 500');
      assert.notEqual(failing.failingSince, null);
      assert.equal(list.find((r: { id: string }) => r.id === ids.slack).state, 'ok');

      const log = await admin('GET', `/notifications/log?recipient=${ids.broken}&limit=5`);
      assertOk(log);
      assert.ok(log.body.deliveries.length >= 2);
      assert.ok(log.body.deliveries.every((d: { outcome: string; statusCode: number; eventType: string }) => d.outcome === 'failed' && d.statusCode === 500 && d.eventType === 'secret.expired'));
      const all = (await admin('GET', '/notifications/log')).body.deliveries;
      assert.ok(all.some((d: { recipient: string; outcome: string; kind: string }) => d.recipient === 'ops@example.com' && d.outcome === 'delivered' && d.kind === 'dispatch'));
      assertProblem(await admin('GET', '/notifications/log?limit=0'), 400, 'invalid-input');
    });

    it('counts a failing channel in the status report as needing attention', async () => {
      const status = await admin('GET', '/status');
      assertOk(status);
      assert.equal(status.body.attention, true);
      assert.deepEqual(status.body.failingNotifications.map((r: { id: string; state: string }) => [r.id, r.state]), [[ids.broken, 'failing']]);
    });

    it('removes a recipient, which then hears nothing more', async () => {
      const removed = await admin('DELETE', `/notifications/${ids.broken}`);
      assertOk(removed);
      assert.equal(removed.body.id, ids.broken);
      assertProblem(await admin('DELETE', `/notifications/${ids.broken}`), 404, 'not-found');
      assertProblem(await admin('POST', `/notifications/${ids.broken}/test`, {}), 404, 'not-found');
      assert.equal(await server.store.webhooks.findRecipient(ids.broken!), undefined);
      assert.deepEqual((await admin('GET', '/status')).body.failingNotifications, []);
    });
  });
}
