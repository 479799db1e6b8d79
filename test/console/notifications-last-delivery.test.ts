import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { randomId } from '../../src/auth/secret-format.js';
import { NotificationService } from '../../src/notifications/notification-service.js';
import { connectionEncryptor } from '../../src/provisioning/connections/encryption-key.js';
import { openStore } from '../../src/store/open-store.js';
import type { DeliveryRecord } from '../../src/store/webhook-store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { signedInConsole } from './chromium.js';

const HOUR = 3_600_000;

/**
 * A recipient's last delivery is its own newest attempt, even when another recipient has had more
 * messages since than the delivery log's page holds (the page used to read it from the latest 50).
 */
for (const backend of BACKENDS) {
  describe(`the Notifications page's last delivery per recipient on ${backend}`, () => {
    let database: TestDatabase;
    let keyDir = '';
    let scimd: ScimdProcess;
    let browser: { context: BrowserContext; close(): Promise<void> };
    let page: Page;
    let origin = '';
    let quiet = '';
    let busy = '';
    let unused = '';
    const adminSecret = randomBytes(36).toString('base64url');

    before(async () => {
      keyDir = await mkdtemp(join(tmpdir(), 'scimd-last-delivery-'));
      const env = { SCIMD_KEY_FILE: join(keyDir, 'scimd.key') };
      database = await createTestDatabase(backend);
      const store = await openStore(database.url);
      const service = new NotificationService(store, { clock: () => new Date(), encryptor: connectionEncryptor(database.url, env), delivery: () => assert.fail('no sending here') });
      const actor = { id: 'cli:test', ip: null };
      quiet = (await service.create(actor, { recipient: 'quiet@example.com' })).id;
      busy = (await service.create(actor, { recipient: 'busy@example.com' })).id;
      unused = (await service.create(actor, { recipient: 'unused@example.com' })).id;
      const delivery = (webhookId: string, at: number, outcome: DeliveryRecord['outcome'], excerpt: string): DeliveryRecord => ({
        id: randomId('dlv'),
        webhookId,
        directoryId: '',
        eventId: randomId('evt_test'),
        eventType: 'notify.test',
        sequence: 0,
        attempt: 1,
        at: new Date(at).toISOString(),
        statusCode: null,
        durationMs: 5,
        error: outcome === 'delivered' ? null : 'mailbox unavailable',
        responseExcerpt: excerpt,
        outcome,
        kind: 'test',
      });
      // quiet heard once, three hours ago; busy has had 60 messages since, more than the log's page.
      await store.webhooks.insertDelivery(delivery(quiet, Date.now() - 3 * HOUR, 'delivered', '250 queued as Q1'));
      for (let i = 0; i < 60; i++) await store.webhooks.insertDelivery(delivery(busy, Date.now() - 2 * HOUR - (60 - i) * 1000, i === 59 ? 'failed' : 'delivered', '250 ok'));
      await store.close();
      scimd = await startScimd(['--db', database.url, '--no-bootstrap'], { ...env, SCIMD_ADMIN_SECRET: adminSecret });
      origin = new URL(scimd.url).origin;
      ({ browser, page } = await signedInConsole(origin, adminSecret));
    });
    after(async () => {
      await browser?.close();
      await scimd?.stop();
      await database?.drop();
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
    });

    test('GET /notifications gives each recipient its own newest delivery, or null', async () => {
      const response = await fetch(`${origin}/api/v1/notifications`, { headers: { authorization: `Bearer ${adminSecret}` } });
      const { recipients } = (await response.json()) as { recipients: { id: string; lastDelivery: DeliveryRecord | null }[] };
      const last = new Map(recipients.map((r) => [r.id, r.lastDelivery]));
      assert.equal(last.get(quiet)?.responseExcerpt, '250 queued as Q1');
      assert.equal(last.get(busy)?.outcome, 'failed', "busy's 60th message, its newest");
      assert.equal(last.get(unused), null);
    });

    test('the page shows the quiet recipient\'s delivery of three hours ago, which the latest 50 of the log no longer hold', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
      const row = (id: string) => page.locator(`[data-testid="recipient-row"][data-recipient="${id}"]`).getByTestId('recipient-last');
      await row(quiet).waitFor();
      assert.equal(await row(quiet).innerText(), 'delivered (250 queued as Q1), 3 hours ago');
      assert.match(await row(busy).innerText(), /^failed: mailbox unavailable, 2 hours ago$/);
      assert.equal(await row(unused).innerText(), 'nothing sent yet');
    });
  });
}
