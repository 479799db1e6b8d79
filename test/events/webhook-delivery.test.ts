import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { verifyWebhookRequest } from '../../src/webhooks/verify.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import { eventually, startReceiver, type Received, type WebhookReceiver } from './webhook-receiver.js';

const user = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true });
const FAST = { webhookRetryMinDelayMs: 30, webhookRetryMaxDelayMs: 150, webhookRetryWindowMs: 3_600_000, webhookTimeoutMs: 1500, eventPollMs: 50 };

for (const backend of BACKENDS) {
  describe(`webhooks (${backend})`, () => {
    let server: TestServer;
    let admin: AdminCall;
    let adminSecret: string;
    let directory: TestDirectory;
    let receiver: WebhookReceiver;
    /** The server's clock follows real time plus this offset, so retries come due and tests can jump days ahead. */
    let offsetMs = 0;
    let ticking: NodeJS.Timeout;

    before(async () => {
      server = await startTestServer(backend, FAST);
      ticking = setInterval(() => (server.clock.now = new Date(Date.now() + offsetMs)), 10);
      server.app.webhooks.start(server.baseUrl);
      const api = await adminApi(server);
      admin = api.call;
      adminSecret = api.secret;
      directory = await server.createDirectory('hooks');
      // The directory's first request makes its own events; get them out of the way.
      await directory.request('GET', '/Users');
    });
    afterEach(async () => {
      offsetMs = 0;
      await receiver?.close();
      // Leave no webhook behind for the next test.
      for (const webhook of (await admin('GET', '/webhooks')).body.webhooks) await admin('DELETE', `/webhooks/${webhook.id}`);
    });
    after(async () => {
      clearInterval(ticking);
      await server.close();
    });

    async function addWebhook(body: object): Promise<{ id: string; secret: string }> {
      const response = await admin('POST', '/webhooks', { directory: directory.id, ...body });
      assertOk(response, 201);
      return response.body;
    }

    /** The delivery log, newest first, once it holds at least `count` entries. */
    const deliveryLog = (webhookId: string, count: number) =>
      eventually(async () => {
        const deliveries = (await admin('GET', `/webhooks/${webhookId}/deliveries?limit=100`)).body.deliveries;
        return deliveries.length >= count ? deliveries : undefined;
      }, 10_000, `${count} delivery log entries`);

    const sequences = (received: Received[]) => received.map((r) => r.json.sequence as number);

    it('delivers each event once, in order, signed so the exported helper verifies it', async () => {
      receiver = await startReceiver();
      const webhook = await addWebhook({ url: receiver.url });
      assert.match(webhook.secret, /^whsec_/);
      for (let i = 0; i < 5; i++) assert.equal((await directory.request('POST', '/Users', user(`signed-${i}`))).status, 201);
      await receiver.waitFor((r) => r.length >= 5);
      const first = receiver.received[0].json.sequence as number;
      assert.deepEqual(sequences(receiver.received), [first, first + 1, first + 2, first + 3, first + 4]);
      for (const r of receiver.received) {
        assert.equal(r.json.type, 'user.created');
        assert.equal(r.headers['webhook-id'], r.json.id);
        assert.equal(verifyWebhookRequest(webhook.secret, r.headers, r.body), true);
        assert.equal(verifyWebhookRequest(webhook.secret, r.headers, r.body.replace('signed', 'forged')), false);
      }
      // The log entry is written once the receiver has answered: wait for it.
      const log = await deliveryLog(webhook.id, 5);
      assert.equal(log.length, 5);
      assert.ok(log.every((d: { outcome: string; statusCode: number; kind: string }) => d.outcome === 'delivered' && d.statusCode === 200 && d.kind === 'dispatch'));
      assert.equal(log[0].responseExcerpt, 'ok');
      const metrics = await server.raw('GET', `${server.origin}/metrics`, { headers: { authorization: `Bearer ${adminSecret}` } });
      assert.match(metrics.text, /scimd_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
      assert.match(metrics.text, /scimd_webhook_pending_events 0/);
    });

    it('a receiver that fails 5 times then recovers gets every event once, in order; retries carry the same webhook-id', async () => {
      receiver = await startReceiver((n) => (n <= 5 ? 503 : 200));
      const webhook = await addWebhook({ url: receiver.url });
      for (let i = 0; i < 4; i++) await directory.request('POST', '/Users', user(`flaky-${i}`));
      await receiver.waitFor((r) => r.filter((x) => x.status === 200).length >= 4, 30_000);
      const accepted = receiver.accepted();
      const first = accepted[0].json.sequence as number;
      assert.deepEqual(sequences(accepted), [first, first + 1, first + 2, first + 3]);
      const failed = receiver.received.filter((r) => r.status === 503);
      assert.equal(failed.length, 5);
      assert.ok(failed.every((r) => r.headers['webhook-id'] === accepted[0].headers['webhook-id']), 'the failing event was retried, nothing skipped ahead of it');
      const log = (await deliveryLog(webhook.id, 6)).reverse();
      assert.deepEqual(
        log.slice(0, 6).map((d: { outcome: string; attempt: number }) => `${d.outcome}#${d.attempt}`),
        ['failed#1', 'failed#2', 'failed#3', 'failed#4', 'failed#5', 'delivered#6'],
      );
      assert.equal(log[0].statusCode, 503);
      assert.match(log[0].responseExcerpt, /failing on purpose/);
    });

    it('sends only the event types a webhook asks for', async () => {
      receiver = await startReceiver();
      await addWebhook({ url: receiver.url, eventTypes: ['group.*'] });
      await directory.request('POST', '/Users', user('not-for-groups'));
      const group = await directory.request('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Filtered' });
      await directory.request('POST', '/Users', user('not-for-groups-either'));
      // A stream delivers in sequence order: once a later group event has arrived, every user event
      // before it has been passed over, so "nothing else came" needs no waiting.
      const sentinel = await directory.request('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Filtered later' });
      await receiver.waitFor((r) => r.some((x) => x.json.subject.id === sentinel.body.id));
      assert.deepEqual(receiver.received.map((r) => r.json.type), ['group.created', 'group.created']);
      assert.deepEqual(receiver.received.map((r) => r.json.subject.id), [group.body.id, sentinel.body.id]);
    });

    it('dead-letters a stream whose event fails for the whole retry window, and resumes it on replay', async () => {
      receiver = await startReceiver(() => 500);
      const webhook = await addWebhook({ url: receiver.url });
      const created = await directory.request('POST', '/Users', user('dead-letter'));
      await receiver.waitFor((r) => r.length >= 2, 30_000, 'a failure and a retry');
      offsetMs += 2 * 3_600_000; // past the one-hour window of this server
      const paused = await eventually(async () => {
        const details = (await admin('GET', `/webhooks/${webhook.id}`)).body;
        return details.streams[0].state === 'paused' ? details.streams[0] : undefined;
      }, 30_000, 'the stream to pause');
      assert.match(paused.pauseReason, /failed \d+ times/);
      const dead = (await admin('GET', `/webhooks/${webhook.id}/deliveries?outcome=dead`)).body.deliveries;
      assert.equal(dead.length, 1);
      assert.equal(dead[0].eventType, 'user.created');
      const count = receiver.received.length;
      // A second, healthy webhook on the directory: once it has the next event, the dispatcher has
      // looked at the directory's streams after that event was written.
      const witness = await startReceiver();
      const witnessHook = await addWebhook({ url: witness.url });
      try {
        const next = await directory.request('POST', '/Users', user('after-dead-letter'));
        await witness.waitFor((r) => r.some((x) => x.json.subject.id === next.body.id), 30_000, 'the healthy webhook to get the event');
        assert.equal(receiver.received.length, count, 'a paused stream sends nothing');
        const still = (await admin('GET', `/webhooks/${webhook.id}`)).body.streams[0];
        assert.equal(still.state, 'paused');
        assert.equal((await admin('GET', `/webhooks/${webhook.id}/deliveries?limit=100`)).body.deliveries.filter((d: { outcome: string }) => d.outcome === 'delivered').length, 0);
      } finally {
        await admin('DELETE', `/webhooks/${witnessHook.id}`);
        await witness.close();
      }

      receiver.behaviour = () => 200;
      const replay = await admin('POST', `/webhooks/${webhook.id}/replay`, { from: dead[0].sequence });
      assertOk(replay);
      await receiver.waitFor((r) => r.filter((x) => x.status === 200).length >= 2);
      const accepted = receiver.accepted();
      assert.equal(accepted[0].json.subject.id, created.body.id);
      assert.equal(accepted[1].json.data.attributes.userName, 'after-dead-letter');
      const stream = await eventually(async () => {
        const current = (await admin('GET', `/webhooks/${webhook.id}`)).body.streams[0];
        return current.state === 'idle' ? current : undefined;
      }, 10_000, 'the stream to settle');
      assert.equal(stream.behind, 0);
      assert.equal(stream.pausedAt, null);
    });

    it('resends one delivery and replays from a sequence, with the original webhook-id', async () => {
      receiver = await startReceiver();
      const webhook = await addWebhook({ url: receiver.url });
      for (let i = 0; i < 3; i++) await directory.request('POST', '/Users', user(`replay-${i}`));
      await receiver.waitFor((r) => r.length >= 3);
      const log = await deliveryLog(webhook.id, 3);
      const resent = await admin('POST', `/webhooks/${webhook.id}/deliveries/${log[2].id}/resend`);
      assertOk(resent);
      assert.equal(resent.body.kind, 'resend');
      assert.equal(resent.body.outcome, 'delivered');
      assert.equal(receiver.received[3].headers['webhook-id'], log[2].eventId);

      const from = receiver.received[1].json.sequence;
      assertOk(await admin('POST', `/webhooks/${webhook.id}/replay`, { from }));
      await receiver.waitFor((r) => r.length >= 6);
      assert.deepEqual(sequences(receiver.received.slice(4)), [from, from + 1]);
      assertProblem(await admin('POST', `/webhooks/${webhook.id}/replay`, { from: 10_000 }), 400, 'invalid-input');
      assertProblem(await admin('POST', `/webhooks/${webhook.id}/deliveries/dlv_nope/resend`), 404, 'not-found');
    });

    it('rotating the secret signs with the old and the new one during the overlap', async () => {
      receiver = await startReceiver();
      const webhook = await addWebhook({ url: receiver.url });
      const rotated = await admin('POST', `/webhooks/${webhook.id}/rotate-secret`, { overlap: '1h' });
      assertOk(rotated);
      assert.notEqual(rotated.body.secret, webhook.secret);
      assert.ok(rotated.body.previousSecretExpiresAt);
      assert.equal(rotated.headers.get('cache-control'), 'no-store');
      await directory.request('POST', '/Users', user('rotation'));
      await receiver.waitFor((r) => r.length >= 1);
      const [delivery] = receiver.received;
      assert.equal(String(delivery.headers['webhook-signature']).split(' ').length, 2);
      assert.equal(verifyWebhookRequest(webhook.secret, delivery.headers, delivery.body), true);
      assert.equal(verifyWebhookRequest(rotated.body.secret, delivery.headers, delivery.body), true);
      // With no overlap, only the newest secret signs.
      const again = await admin('POST', `/webhooks/${webhook.id}/rotate-secret`, { overlap: '0' });
      const test = await admin('POST', `/webhooks/${webhook.id}/test`);
      assertOk(test);
      const ping = receiver.received[receiver.received.length - 1];
      assert.equal(ping.json.type, 'webhook.test');
      assert.equal(verifyWebhookRequest(again.body.secret, ping.headers, ping.body), true);
      assert.equal(verifyWebhookRequest(rotated.body.secret, ping.headers, ping.body), false);
    });

    it('a receiver that never answers does not hold up SCIM writes', { timeout: 120_000 }, async () => {
      receiver = await startReceiver(() => 'hang');
      await addWebhook({ url: receiver.url });
      const first = await directory.request('POST', '/Users', user('hang-0'));
      assert.equal(first.status, 201);
      await receiver.waitFor((r) => r.length >= 1, 30_000, 'the hanging delivery');
      // The stream is stuck on the first event for its whole retry window (an hour): a write that
      // waited for its own delivery would never be answered. Each of these is answered while no event
      // after the first has been sent.
      for (let i = 1; i <= 5; i++) {
        assert.equal((await directory.request('POST', '/Users', user(`hang-${i}`))).status, 201);
      }
      assert.ok(receiver.received.every((r) => r.json.subject.id === first.body.id), 'only the first event was ever sent');
    });

    it('a global webhook receives every directory’s events, a new directory’s and a deleted one’s', async () => {
      receiver = await startReceiver();
      const created = await admin('POST', '/webhooks', { url: receiver.url, eventTypes: ['user.created', 'directory.*'] });
      assertOk(created, 201);
      assert.equal(created.body.directoryId, null);
      const other = await admin('POST', '/directories', { name: 'global-later' });
      await directory.request('POST', '/Users', user('global-1'));
      await admin('DELETE', `/directories/${other.body.id}?confirm=global-later`);
      await receiver.waitFor((r) => r.some((x) => x.json.type === 'directory.deleted') && r.some((x) => x.json.type === 'user.created'), 30_000);
      const types = receiver.received.map((r) => `${r.json.directoryId === other.body.id ? 'other' : 'main'}:${r.json.type}`);
      assert.deepEqual(types.filter((t) => t.startsWith('other')), ['other:directory.created', 'other:directory.deleted']);
      assert.ok(types.includes('main:user.created'));
      await admin('DELETE', `/webhooks/${created.body.id}`);
    });

    it("every webhook answer names the webhook's directory beside its id (null for a global one), by its current name", async () => {
      const names = (body: { directoryId: string | null; directoryName: string | null }) => [body.directoryId, body.directoryName];
      const other = await admin('POST', '/directories', { name: 'named-hooks' });
      const created = await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/named', directory: 'named-hooks' });
      assert.deepEqual(names(created.body), [other.body.id, 'named-hooks']);
      const global = await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/global' });
      assert.deepEqual(names(global.body), [null, null]);
      assertOk(await admin('PATCH', `/directories/${other.body.id}`, { name: 'renamed-hooks' }));
      const listed = (await admin('GET', '/webhooks')).body.webhooks;
      assert.deepEqual(listed.map(names).sort(), [[null, null], [other.body.id, 'renamed-hooks']].sort());
      assert.deepEqual(names((await admin('PATCH', `/webhooks/${created.body.id}`, { description: 'x' })).body), [other.body.id, 'renamed-hooks']);
      assert.deepEqual(names((await admin('POST', `/webhooks/${created.body.id}/rotate-secret`, {})).body), [other.body.id, 'renamed-hooks']);
      // The global webhook's streams start at its creation, one per directory, each with its name.
      const streams = await eventually(async () => {
        const found = (await admin('GET', `/webhooks/${global.body.id}`)).body.streams as { directoryId: string; directoryName: string | null }[];
        return found.some((s) => s.directoryId === directory.id) ? found : undefined;
      }, 10_000, "the global webhook's stream of the main directory");
      assert.equal(streams.find((s) => s.directoryId === directory.id)?.directoryName, 'hooks');
      assert.deepEqual(names((await admin('DELETE', `/webhooks/${created.body.id}`)).body), [other.body.id, 'renamed-hooks']);
      await admin('DELETE', `/directories/${other.body.id}?confirm=renamed-hooks`);
    });

    it('administers webhooks through the API with problems for bad input and audit entries', async () => {
      receiver = await startReceiver();
      const webhook = await addWebhook({ url: receiver.url, description: 'App', format: 'scim-set' });
      const listed = (await admin('GET', `/webhooks?directory=${directory.id}`)).body.webhooks;
      assert.equal(listed.length, 1);
      assert.equal(JSON.stringify(listed).includes('whsec_'), false, 'a listing never shows the secret');
      const details = (await admin('GET', `/webhooks/${webhook.id}`)).body;
      assert.equal(details.format, 'scim-set');
      assert.equal(details.streams[0].directoryId, directory.id);
      const changed = await admin('PATCH', `/webhooks/${webhook.id}`, { enabled: false, eventTypes: ['user.*'] });
      assertOk(changed);
      assert.equal(changed.body.enabled, false);

      assertProblem(await admin('POST', '/webhooks', { url: 'ftp://example.com/x' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/webhooks', { url: 'https://user:pw@example.com/x' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/webhooks', { url: 'https://example.com/x', eventTypes: ['users.created'] }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/webhooks', { url: 'https://example.com/x', format: 'xml' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/webhooks', { url: 'https://example.com/x', secret: 'mine' }), 400, 'invalid-input');
      assertProblem(await admin('POST', '/webhooks', { url: 'https://example.com/x', directory: 'nope' }), 404, 'not-found');
      assertProblem(await admin('GET', '/webhooks', undefined, directory.secret), 403);
      assertProblem(await admin('PATCH', '/webhooks/whk_nope', { enabled: true }), 404, 'not-found');

      assertOk(await admin('DELETE', `/webhooks/${webhook.id}`));
      assertProblem(await admin('GET', `/webhooks/${webhook.id}`), 404, 'not-found');
      const audit = (await admin('GET', `/audit?directory=${directory.id}`)).body;
      const actions = (audit.entries ?? audit.audit ?? audit).map((e: { action: string }) => e.action);
      for (const action of ['webhook.created', 'webhook.updated', 'webhook.deleted']) assert.ok(actions.includes(action), `${action} in ${actions}`);
      // The entries match the admin API's own description of them (it once left out 'webhook').
      const described = (await admin('GET', '/openapi.json')).body.components.schemas.AuditEntry.properties.targetType.enum as string[];
      for (const entry of audit.entries ?? audit.audit ?? audit) assert.ok(described.includes(entry.targetType), `${entry.targetType} is in the OpenAPI enum ${described}`);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`the webhook dispatcher under a stream of writes (${backend})`, () => {
    // A gap long against a write, and a poll longer still, so claims are counted by the gap alone.
    const CLAIM_GAP_MS = 150;
    let server: TestServer;
    let directory: TestDirectory;

    before(async () => {
      server = await startTestServer(backend, { ...FAST, eventPollMs: 5_000, webhookClaimGapMs: CLAIM_GAP_MS });
      server.app.webhooks.start(server.baseUrl);
      directory = await server.createDirectory('burst');
    });
    after(async () => server?.close());

    it('claims at most once per gap while writes keep waking it, not once per write, and a webhook added then still gets the next event', async () => {
      const claimsBefore = server.app.webhooks.claims;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async (_, lane) => {
          for (let i = 0; i < 10; i++) assert.equal((await directory.request('POST', '/Users', user(`burst-${lane}-${i}`))).status, 201);
        }),
      );
      const elapsed = performance.now() - started;
      const claims = server.app.webhooks.claims - claimsBefore;
      assert.ok(claims <= Math.ceil(elapsed / CLAIM_GAP_MS) + 1, `${claims} claims in ${Math.round(elapsed)} ms for 80 writes`);

      const receiver = await startReceiver();
      try {
        const api = await adminApi(server);
        assertOk(await api.call('POST', '/webhooks', { directory: directory.id, url: receiver.url }), 201);
        assert.equal((await directory.request('POST', '/Users', user('after-burst'))).status, 201);
        await receiver.waitFor((r) => r.some((d) => d.body.includes('after-burst')), 10_000, 'the event of the write after the burst');
      } finally {
        await receiver.close();
      }
    });
  });
}
