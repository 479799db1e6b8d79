import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createSecret } from '../../src/auth/secrets.js';
import { NotificationService } from '../../src/notifications/notification-service.js';
import { connectionEncryptor } from '../../src/provisioning/connections/encryption-key.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';
import { launchChromium } from './chromium.js';

const DAY = 86_400_000;

/** A notification channel that fails is shown on the console's overview, so someone notices the alerting is broken. */
describe('the console shows a failing notification channel', () => {
  let database: TestDatabase;
  let keyDir: string;
  let scimd: ScimdProcess;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const adminSecret = randomBytes(36).toString('base64url');
  let port = 0;

  before(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'scimd-notify-console-'));
    const env = { SCIMD_KEY_FILE: join(keyDir, 'scimd.key') };
    database = await createTestDatabase('sqlite');
    const store = await openStore(database.url);
    const directoryId = (await store.createDirectory({ id: 'dir_console', name: 'acme', created: new Date().toISOString() })).id;
    await createSecret(store, { directoryId, scope: 'scim', name: 'Entra', lifetimeMs: 10 * DAY, now: new Date(Date.now() - 5 * DAY) });
    const service = new NotificationService(store, { clock: () => new Date(), encryptor: connectionEncryptor(database.url, env), delivery: () => assert.fail('no sending here') });
    // A port that was just free refuses connections: every delivery fails.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await service.create({ id: 'cli:test', ip: null }, { recipient: `slack+http://127.0.0.1:${port}/hook` });
    await store.close();
    scimd = await startScimd(['--db', database.url, '--no-bootstrap'], { ...env, SCIMD_ADMIN_SECRET: adminSecret });
    const origin = new URL(scimd.url).origin;
    await waitFor('the channel to fail', async () => {
      const response = await fetch(`${origin}/api/v1/status`, { headers: { authorization: `Bearer ${adminSecret}` } });
      return ((await response.json()) as { failingNotifications: unknown[] }).failingNotifications.length > 0;
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(`${origin}/`);
    await page.getByLabel('Admin secret').fill(adminSecret);
    await page.getByLabel('Admin secret').press('Enter');
    await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await scimd?.stop();
    await database?.drop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  test('the overview names the recipient, says it is failing and why', async () => {
    const warning = page.getByTestId('failing-notifications');
    await warning.waitFor();
    const text = await warning.innerText();
    assert.equal(text, `Notifications do not reach slack+http://127.0.0.1:${port}/…hook (failing: ECONNREFUSED). See scimd notify log.`);
    assert.match(await page.getByTestId('overview-summary').innerText(), /Something needs your attention/);
  });
});
