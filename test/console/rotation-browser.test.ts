import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { launchChromium } from './chromium.js';

/** Clicks Refresh until `check` passes (activity reaches the database every few seconds). */
async function refreshUntil(page: Page, what: string, check: () => Promise<boolean>, deadlineMs = 45_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`the console never showed ${what}`);
    await page.waitForTimeout(500);
    await page.getByRole('button', { name: 'Refresh' }).click();
  }
}

for (const backend of BACKENDS) {
  describe(`the console through a correct rotation, in a real browser (${backend})`, () => {
    let database: TestDatabase;
    let scimd: ScimdProcess;
    let origin: string;
    let browser: { context: BrowserContext; close(): Promise<void> };
    let page: Page;
    const adminSecret = randomBytes(36).toString('base64url');
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${origin}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminSecret}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
    const scim = (secret: string) => fetch(`${origin}/scim/v2/Users`, { headers: { authorization: `Bearer ${secret}`, 'user-agent': 'rotation-idp/1.0' } }).then((r) => r.status);
    const secrets: Record<string, { id: string; secret: string }> = {};
    let directoryId = '';
    // CSV sources must live in the server's source folder (issue 15.8).
    const sourceFolder = mkdtempSync(join(tmpdir(), 'scimd-badge-'));

    before(async () => {
      database = await createTestDatabase(backend);
      scimd = await startScimd(['--db', database.url, '--no-bootstrap'], { SCIMD_ADMIN_SECRET: adminSecret, SCIMD_SOURCE_DIR: sourceFolder });
      origin = new URL(scimd.url).origin;
      browser = await launchChromium();
      page = await browser.context.newPage();
      const directory = await admin('POST', '/directories', { name: 'Renewal' });
      directoryId = directory.body.id;
      for (const name of ['old', 'new']) {
        const created = await admin('POST', `/directories/${directoryId}/secrets`, { name });
        secrets[name] = { id: created.body.id, secret: created.body.secret };
        assert.equal(await scim(created.body.secret), 200);
      }
    });
    after(async () => {
      await browser?.close();
      await scimd?.stop();
      await database?.drop();
    });

    test('after "Rotation complete" the revoke dialog does not warn that a client stops provisioning', async () => {
      await page.goto(`${origin}/`);
      await page.getByLabel('Admin secret').fill(adminSecret);
      await page.getByLabel('Admin secret').press('Enter');
      await page.getByRole('link', { name: 'Renewal' }).click();
      await refreshUntil(page, 'the rotation as complete', async () => (await page.getByText(/Rotation complete/).count()) > 0);
      await page.getByRole('button', { name: /^Revoke old/ }).click();
      const dialog = page.getByRole('dialog');
      const consequences = await dialog.getByTestId('revoke-consequences').innerText();
      assert.doesNotMatch(consequences, /stops provisioning/);
      assert.match(consequences, /nothing has used it since the new secret took over/);
      await dialog.getByRole('button', { name: 'Revoke secret' }).click();
      await dialog.waitFor({ state: 'detached' });
    });

    test('a straggling request with the revoked secret, then traffic on the new one: not "Refusing its client"', async () => {
      assert.equal(await scim(secrets.old!.secret), 401);
      await refreshUntil(page, 'the rejected request', async () => /refusing its identity provider/.test(await page.getByTestId('directory-summary').innerText()));
      assert.equal(await scim(secrets.new!.secret), 200);
      await refreshUntil(page, 'the directory healthy again', async () => !/refusing/.test(await page.getByTestId('directory-summary').innerText()));
      await page.getByRole('link', { name: 'Directories' }).click();
      const card = page.locator('[data-testid="directory-card"][data-directory="Renewal"]');
      await card.waitFor();
      assert.doesNotMatch(await card.innerText(), /Refusing its client/);
    });

    test('the event list numbers each entry once, by its sequence', async () => {
      await page.getByRole('link', { name: 'Events & webhooks' }).click();
      await page.getByLabel('Directory').selectOption({ label: 'Renewal' });
      await page.getByTestId('event').first().waitFor();
      const list = page.getByTestId('event-list');
      assert.equal(await list.evaluate((element) => element.tagName), 'UL');
      assert.equal(await list.evaluate('getComputedStyle(document.querySelector("[data-testid=event-list]")).listStyleType'), 'none');
      assert.match(await page.getByTestId('event').first().innerText(), /#\d+/);
    });

    test('the console has a favicon that the server serves', async () => {
      const href = await page.locator('link[rel="icon"]').getAttribute('href');
      assert.ok(href, 'a <link rel="icon">');
      const icon = await fetch(new URL(href, origin));
      assert.equal(icon.status, 200);
      assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    });

    test('a brand-new directory without a secret is "No secret yet", not a red "No active secret"', async () => {
      assert.equal((await admin('POST', '/directories', { name: 'Brand new' })).status, 201);
      await page.getByRole('link', { name: 'Directories' }).click();
      await page.reload();
      const badge = page.locator('[data-testid="directory-card"][data-directory="Brand new"]').getByTestId('health-badge');
      await badge.waitFor();
      assert.match(await badge.innerText(), /No secret yet/);
      assert.match((await badge.getAttribute('class')) ?? '', /health-not_connected/);
    });

    test('a connection is badged "running" only while its schedule is on', async () => {
      const folder = sourceFolder;
      try {
        writeFileSync(join(folder, 'users.csv'), 'userName,externalId\nann@acme.com,e1\n');
        const created = await admin('POST', '/connections', { name: 'badged', source: `file:${folder}/users.csv`, target: `${origin}/scim/v2`, secret: secrets.new!.secret, schedule: 'off' });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        await page.getByRole('link', { name: 'Provisioning' }).click();
        const badge = page.getByTestId('connection-badge');
        await badge.waitFor();
        assert.equal(await badge.innerText(), 'schedule off');
        assert.equal((await admin('PATCH', '/connections/badged', { schedule: '6h' })).status, 200);
        await page.reload();
        await page.getByTestId('connection-badge').waitFor();
        assert.equal(await page.getByTestId('connection-badge').innerText(), 'running (every 6h)');
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}
