import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';
import { startReceiver, type WebhookReceiver } from '../events/webhook-receiver.js';

const HOUR = 3_600_000;

/**
 * A directory that had traffic and then none for --quiet-after is announced once per quiet
 * spell (`directory.quiet`), and recipients hear about it; a directory that never had traffic
 * is not "quiet".
 */
for (const backend of BACKENDS) {
  describe(`quiet directories (${backend})`, () => {
    let server: TestServer;
    let busy: TestDirectory;
    let receiver: WebhookReceiver;
    const quietEvents = async (directoryId: string) => (await server.store.readEvents(directoryId, 0, 100)).filter((e) => e.type === 'directory.quiet');

    before(async () => {
      receiver = await startReceiver();
      server = await startTestServer(backend, { eventPollMs: 50, notify: { quietAfterMs: 6 * HOUR } });
      server.app.webhooks.start(server.baseUrl);
      const admin = (await adminApi(server)).call;
      busy = await server.createDirectory('busy');
      await server.createDirectory('never-used');
      assert.equal((await admin('POST', '/notifications', { recipient: `slack+${receiver.url}` })).status, 201);
      assert.equal((await busy.request('GET', '/Users')).status, 200);
      await server.app.lifecycle.flush();
    });
    after(async () => {
      await server?.close();
      await receiver?.close();
    });

    it('says nothing before the threshold', async () => {
      const report = await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + 5 * HOUR));
      assert.equal(report.quiet, 0);
      assert.deepEqual(await quietEvents(busy.id), []);
    });

    it('announces the quiet spell once, with the last request, and tells the recipients', async () => {
      const later = new Date(server.clock.now.getTime() + 7 * HOUR);
      assert.equal((await server.app.lifecycle.runOnce(later)).quiet, 1, 'only the directory that had traffic');
      assert.equal((await server.app.lifecycle.runOnce(new Date(later.getTime() + HOUR))).quiet, 0, 'once per spell');
      const [event] = await quietEvents(busy.id);
      assert.equal(event!.subject.id, busy.id);
      assert.equal(typeof event!.data.lastRequestAt, 'string');
      assert.ok(Number(event!.data.quietForMs) >= 7 * HOUR);
      await waitFor('the Slack message', () => receiver.received.find((r) => r.json?.text?.includes('has had no requests since')));
      assert.match(receiver.received.at(-1)!.json.text, /^Directory "busy" has had no requests since .* UTC: .*none has arrived for 7 hours\. Provisioning may have stopped\./);
    });

    it('announces a new spell after traffic resumes and stops again', async () => {
      server.clock.now = new Date(server.clock.now.getTime() + 10 * HOUR);
      assert.equal((await busy.request('GET', '/Groups')).status, 200);
      await server.app.lifecycle.flush();
      assert.equal((await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + HOUR))).quiet, 0);
      assert.equal((await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + 7 * HOUR))).quiet, 1);
      assert.equal((await quietEvents(busy.id)).length, 2);
    });
  });
}
