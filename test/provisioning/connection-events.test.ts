import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Encryptor } from '../../src/auth/encryption.js';
import { ProvisioningRuntime } from '../../src/provisioning/provisioning-runtime.js';
import { startReceiver, type WebhookReceiver } from '../events/webhook-receiver.js';
import { adminApi, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import { FaultProxy } from './support/fault-proxy.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const FAST = { webhookRetryMinDelayMs: 30, webhookRetryMaxDelayMs: 150, webhookRetryWindowMs: 3_600_000, webhookTimeoutMs: 1500, eventPollMs: 50 };

for (const backend of BACKENDS) {
  describe(`connection events on the feed and global webhooks (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let directory: TestDirectory;
    let proxy: FaultProxy;
    let receiver: WebhookReceiver;
    let runtime: ProvisioningRuntime;
    let dir: string;
    const users = (...names: string[]) => writeFileSync(join(dir, 'users.csv'), `userName,externalId\n${names.map((n) => `${n}@acme.com,${n}`).join('\n')}\n`);
    const feed = async () => (await call('GET', '/directories/connections/events?after=0&limit=100')).body;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-connection-events-'));
      server = await startTestServer(backend, FAST);
      server.app.webhooks.start(server.baseUrl);
      ({ call } = await adminApi(server));
      directory = await server.createDirectory('target');
      proxy = new FaultProxy(Number(new URL(server.origin).port));
      await proxy.start();
      receiver = await startReceiver();
      const hook = await call('POST', '/webhooks', { url: receiver.url, eventTypes: ['connection.*'] });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      runtime = new ProvisioningRuntime({ db: server.databaseUrl, log: silent, encryptor: new Encryptor(randomBytes(32)), clientOptions: { retry: { baseMs: 5, capMs: 20 } } });
    });
    after(async () => {
      await runtime.close();
      await receiver.close();
      await proxy.stop();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a quarantine and its recovery are one event each, in the connections feed and at a global webhook', async () => {
      users('ann', 'ben');
      const service = await runtime.connections();
      const created = await service.create('crm', { source: `file:${dir}/users.csv`, target: proxy.baseUrl, secret: directory.secret });
      const id = created.connection.id;
      proxy.refuse = () => ({ status: 401, detail: 'secret revoked' });
      assert.ok((await service.run('crm')).quarantine);
      assert.ok((await service.run('crm')).quarantine, 'still refused: still quarantined');
      proxy.refuse = () => undefined;
      assert.equal((await service.run('crm')).cycle.status, 'completed');

      const page = await feed();
      assert.equal(page.directoryId, 'connections');
      assert.deepEqual(page.events.map((e: { type: string; sequence: number }) => [e.sequence, e.type]), [[1, 'connection.quarantined'], [2, 'connection.recovered']], 'one event per change of state, none for the second refused cycle');
      const [quarantined, recovered] = page.events;
      assert.deepEqual(quarantined.subject, { type: 'Connection', id });
      assert.equal(quarantined.data.connectionId, id);
      assert.equal(quarantined.data.connectionName, 'crm');
      assert.match(quarantined.data.reason, /refused the credential.*secret revoked/);
      assert.ok(!JSON.stringify(page).includes(directory.secret), 'no event carries the secret');
      assert.equal(recovered.data.since, quarantined.data.since, 'the recovery says since when it was quarantined');

      await receiver.waitFor((r) => r.length >= 2, 30_000, 'two connection events at the global webhook');
      assert.deepEqual(receiver.accepted().map((r) => [r.json.type, r.json.directoryId]), [['connection.quarantined', 'connections'], ['connection.recovered', 'connections']]);
    });

    it('a deletion-threshold stop is an event once, and the next completed cycle a recovery', async () => {
      users('a1', 'a2', 'a3', 'a4');
      const service = await runtime.connections();
      await service.create('hr', { source: `file:${dir}/users.csv`, target: proxy.baseUrl, secret: directory.secret, deletionThreshold: '2', deleteAfter: '0' });
      assert.equal((await service.run('hr')).cycle.status, 'completed');
      users('a1');
      assert.equal((await service.run('hr')).cycle.status, 'stopped');
      assert.equal((await service.run('hr')).cycle.status, 'stopped');
      assert.equal((await service.run('hr', { allowDeletes: true })).cycle.status, 'completed');
      const events = (await feed()).events.filter((e: { data: { connectionName: string } }) => e.data.connectionName === 'hr');
      assert.deepEqual(events.map((e: { type: string }) => e.type), ['connection.stopped', 'connection.recovered']);
      assert.match(events[0].data.reason, /deletion threshold of 2/);
      assert.equal(events[1].data.since, events[0].data.since);
      await receiver.waitFor((r) => r.length >= 4, 30_000, 'the stop and recovery at the webhook');
    });
  });
}
