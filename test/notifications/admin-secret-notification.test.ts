import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { adminApi, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startReceiver, type WebhookReceiver } from '../events/webhook-receiver.js';

const DAY = 86_400_000;

/**
 * Admin secrets belong to no directory, so their expiry reaches recipients without a directory
 * straight from the sweep that claimed it: once, logged, and not to directory-scoped recipients.
 */
for (const backend of BACKENDS) {
  describe(`admin secret notifications (${backend})`, () => {
    let server: TestServer;
    let admin: AdminCall;
    let everything: WebhookReceiver;
    let oneDirectory: WebhookReceiver;
    let globalId: string;
    let secret: { id: string; text: string; suffix: string };

    before(async () => {
      everything = await startReceiver();
      oneDirectory = await startReceiver();
      server = await startTestServer(backend, { notify: { quietAfterMs: 0, publicUrl: 'https://scim.example.com' } });
      admin = (await adminApi(server)).call;
      await server.createDirectory('acme');
      globalId = (await admin('POST', '/notifications', { recipient: `slack+${everything.url}` })).body.id;
      assert.equal((await admin('POST', '/notifications', { recipient: `teams+${oneDirectory.url}`, directory: 'acme' })).status, 201);
      const made = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'ops', lifetimeMs: 10 * DAY, now: new Date(server.clock.now.getTime() - 5 * DAY) });
      secret = { id: made.record.id, text: made.secret, suffix: made.record.suffix };
    });
    after(async () => {
      await server?.close();
      await everything?.close();
      await oneDirectory?.close();
    });

    it('tells recipients without a directory that an admin secret expires, with the steps to replace it', async () => {
      await server.app.lifecycle.runOnce(server.clock.now);
      assert.equal(everything.received.length, 1);
      const body = everything.received[0]!.json;
      assert.equal(body.blocks[0].text.text, '🟠 Admin secret "ops" expires in 5 days');
      const text = JSON.stringify(body);
      assert.ok(text.includes(`scimd admin token revoke ${secret.id}`));
      assert.ok(text.includes(`…${secret.suffix}`));
      assert.ok(!text.includes(secret.text));
      assert.equal(oneDirectory.received.length, 0, 'a recipient of one directory is not told');
    });

    it('tells it once across sweeps, then again when the secret expires, and logs each message', async () => {
      await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + DAY));
      assert.equal(everything.received.length, 1);
      await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + 6 * DAY));
      assert.equal(everything.received.length, 2);
      assert.equal(everything.received[1]!.json.blocks[0].text.text, '🔴 Admin secret "ops" has expired');
      const log = (await admin('GET', `/notifications/log?recipient=${globalId}`)).body.deliveries;
      assert.deepEqual(log.map((d: { eventType: string; outcome: string }) => [d.eventType, d.outcome]), [
        ['secret.expired', 'delivered'],
        ['secret.expiring', 'delivered'],
      ]);
    });
  });
}
