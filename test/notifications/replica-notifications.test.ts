import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { ADMIN_STREAM } from '../../src/events/system-streams.js';
import { NotificationService } from '../../src/notifications/notification-service.js';
import { connectionEncryptor } from '../../src/provisioning/connections/encryption-key.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { waitFor } from '../support/wait.js';

const DAY = 86_400_000;

/**
 * Two `scimd serve` processes on one database: both sweep at start and both run a dispatcher, yet
 * the recipient gets each message once (the warning is claimed once, the stream is leased by one),
 * for a client secret (its directory's stream) and an admin secret (the admin stream) alike.
 */
for (const backend of BACKENDS) {
  describe(`notifications from two replicas (${backend})`, () => {
    let database: TestDatabase;
    let keyDir: string;
    let sink: SmtpSink;
    let store: Store;
    let recipientId: string;
    const servers: ScimdProcess[] = [];

    before(async () => {
      keyDir = await mkdtemp(join(tmpdir(), 'scimd-notify-replicas-'));
      const env = { SCIMD_KEY_FILE: join(keyDir, 'scimd.key') };
      database = await createTestDatabase(backend);
      sink = await startSmtpSink();
      store = await openStore(database.url);
      const directoryId = (await store.createDirectory({ id: 'dir_replicas', name: 'acme', created: new Date().toISOString() })).id;
      await createSecret(store, { directoryId, scope: 'scim', name: 'Entra', lifetimeMs: 15 * DAY, now: new Date(Date.now() - 5 * DAY) });
      await createSecret(store, { directoryId: null, scope: 'admin', name: 'ops', lifetimeMs: 12 * DAY, now: new Date(Date.now() - 5 * DAY) });
      const service = new NotificationService(store, { clock: () => new Date(), encryptor: connectionEncryptor(database.url, env), delivery: () => assert.fail('no sending here') });
      recipientId = (await service.create({ id: 'cli:test', ip: null }, { recipient: 'ops@example.com' })).id;
      const args = ['--db', database.url, '--no-bootstrap', '--smtp-url', sink.url, '--notify-from', 'scimd@example.com'];
      // Both start together; one that fails must not leave the other running (it would hold the test open).
      const started = await Promise.allSettled([startScimd(args, env), startScimd(args, env)]);
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      await waitFor('both deliveries to be logged', async () => (await store.webhooks.listDeliveries({ webhookId: recipientId, limit: 10 })).filter((d) => d.outcome === 'delivered').length >= 2);
      // Stopping waits for attempts in flight, so a duplicate could not still be on its way.
      for (const server of servers) assert.equal(await server.stop(), 0, `a replica's exit, signal ${server.child.signalCode}:\n${server.errors()}`);
    });
    after(async () => {
      for (const server of servers) await server.stop();
      await store?.close();
      await sink?.close();
      await database?.drop();
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
    });

    it('sends each expiry warning once', async () => {
      assert.deepEqual(sink.mails.map((m) => m.subject).sort(), ['[scimd] Admin secret "ops" expires in 7 days', '[scimd] Client secret "Entra" of directory "acme" expires in 10 days']);
      const delivered = (await store.webhooks.listDeliveries({ webhookId: recipientId, limit: 10 })).filter((d) => d.outcome === 'delivered');
      assert.deepEqual(delivered.map((d) => d.eventType), ['secret.expiring', 'secret.expiring']);
      assert.deepEqual((await store.readEvents(ADMIN_STREAM, 0, 10)).map((e) => e.type), ['secret.expiring'], 'claimed once');
    });
  });
}
