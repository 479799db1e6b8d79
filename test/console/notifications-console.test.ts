import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createSecret } from '../../src/auth/secrets.js';
import { NotificationService } from '../../src/notifications/notification-service.js';
import { connectionEncryptor } from '../../src/provisioning/connections/encryption-key.js';
import { openStore } from '../../src/store/open-store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';
import { signedInConsole } from './chromium.js';

const DAY = 86_400_000;

/** A notification channel that fails is shown on the console's overview, so someone notices the alerting is broken. */
for (const backend of BACKENDS) {
  describe(`the console shows a failing notification channel (${backend})`, () => {
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
      database = await createTestDatabase(backend);
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
      ({ browser, page } = await signedInConsole(origin, adminSecret));
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
}

/** The Notifications page: add a recipient, see it (masked) here and on its directory's page, send a test, remove it. */
for (const backend of BACKENDS) {
  describe(`the console manages notification recipients (${backend})`, () => {
    let database: TestDatabase;
    let keyDir: string;
    let scimd: ScimdProcess;
    let receiver: Server;
    let browser: { context: BrowserContext; close(): Promise<void> };
    let page: Page;
    let origin = '';
    const received: { path: string; body: string }[] = [];
    const adminSecret = randomBytes(36).toString('base64url');
    const hookPath = `/services/T01/B02/${randomBytes(12).toString('hex')}`;
    let hookUrl = '';

    before(async () => {
      keyDir = await mkdtemp(join(tmpdir(), 'scimd-notify-page-'));
      const env = { SCIMD_KEY_FILE: join(keyDir, 'scimd.key') };
      database = await createTestDatabase(backend);
      const store = await openStore(database.url);
      await store.createDirectory({ id: 'dir_notify_page', name: 'acme', created: new Date().toISOString() });
      await store.close();
      // A Slack-format receiver on loopback (http:// is allowed there), answering as Slack does.
      receiver = createHttpServer((request: IncomingMessage, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          received.push({ path: request.url ?? '', body });
          response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${hookPath}`;
      scimd = await startScimd(['--db', database.url, '--no-bootstrap'], { ...env, SCIMD_ADMIN_SECRET: adminSecret });
      origin = new URL(scimd.url).origin;
      ({ browser, page } = await signedInConsole(origin, adminSecret));
    });
    after(async () => {
      await browser?.close();
      await scimd?.stop();
      await database?.drop();
      await new Promise((resolve) => receiver?.close(resolve));
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
    });

    test('a recipient added on the page is listed with its chat URL masked', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      // The list loads after the heading: wait for it rather than read the page while it says "Loading".
      await page.locator('main').getByText('No recipients yet').waitFor();
      await page.getByLabel('E-mail address or chat webhook').fill(`slack+${hookUrl}`);
      await page.getByLabel('Directory').selectOption({ label: 'acme' });
      await page.getByRole('button', { name: 'Add recipient' }).click();
      const row = page.getByTestId('recipient-row');
      await row.waitFor();
      const text = await row.innerText();
      assert.ok(text.includes(`slack+http://127.0.0.1:${(receiver.address() as AddressInfo).port}/…${hookPath.slice(-4)}`), text);
      assert.ok(!text.includes(hookPath), 'the whole webhook URL is never shown');
      assert.match(text, /slack/);
      assert.match(text, /acme/);
      assert.match(text, /nothing sent yet/);
    });

    test("the directory's page lists who hears about it, with a link to the Notifications page", async () => {
      await page.goto(`${origin}/#/directories/dir_notify_page`);
      const section = page.getByTestId('directory-notifications');
      await section.getByText(/slack\+http:\/\/127\.0\.0\.1:\d+\/…/).waitFor();
      assert.match(await section.innerText(), /this directory/);
      await section.getByRole('link', { name: 'Manage notifications' }).click();
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    });

    test('a test message reaches the receiver and the page shows the outcome and logs it', async () => {
      await page.getByTestId('recipient-row').waitFor();
      await page.getByRole('button', { name: /^Send a test to / }).click();
      const outcome = page.getByTestId('test-outcome');
      await outcome.waitFor();
      assert.match(await outcome.innerText(), /: delivered \(HTTP 200\)$/);
      assert.equal(received.length, 1);
      assert.equal(received[0]!.path, hookPath);
      assert.ok(JSON.parse(received[0]!.body).text, 'a Slack message has text');
      await page.getByTestId('notification-log').getByText('notify.test').waitFor();
      await page.getByTestId('recipient-last').getByText(/^delivered \(HTTP 200\), /).waitFor();
    });

    test('removing asks first, and then the recipient is gone', async () => {
      await page.getByRole('button', { name: /^Remove / }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('It stops hearing from scimd at once').waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal(await page.getByTestId('recipient-row').count(), 1);
      await page.getByRole('button', { name: /^Remove / }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove recipient' }).click();
      await page.getByText('No recipients yet').waitFor();
      const listed = await fetch(`${origin}/api/v1/notifications`, { headers: { authorization: `Bearer ${adminSecret}` } });
      assert.deepEqual(((await listed.json()) as { recipients: unknown[] }).recipients, []);
    });
  });
}
