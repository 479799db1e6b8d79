import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { launchChromium } from './chromium.js';

const SCIM_CLIENT = 'scimd-console-test-idp/1.0';

/** Clicks Refresh until `check` passes, or fails after the deadline (activity is flushed every few seconds). */
async function refreshUntil(page: Page, what: string, check: () => Promise<boolean>, deadlineMs = 45_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`the console never showed ${what}`);
    await page.waitForTimeout(500);
    await page.getByRole('button', { name: 'Refresh' }).click();
  }
}

/**
 * SIGTERM, then SIGKILL if the server has not exited in time: a wedged server must not outlive
 * the test (and keep its database busy) whatever went wrong in it.
 */
async function stopWithin(scimd: ScimdProcess, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([scimd.stop().then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  if (!stopped) await scimd.stop('SIGKILL');
}

for (const backend of BACKENDS) {
  describe(`the admin console in a real browser, against a real scimd serve (${backend})`, () => {
    let database: TestDatabase;
    let scimd: ScimdProcess;
    let origin: string;
    let browser: { context: BrowserContext; close(): Promise<void> };
    let page: Page;
    const adminSecret = randomBytes(36).toString('base64url');
    const pageErrors: string[] = [];
    const cspViolations: string[] = [];

    before(async () => {
      database = await createTestDatabase(backend);
      scimd = await startScimd(['--db', database.url, '--no-bootstrap'], { SCIMD_ADMIN_SECRET: adminSecret });
      origin = new URL(scimd.url).origin;
      browser = await launchChromium();
      page = await browser.context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
    });
    after(async () => {
      await browser?.close();
      if (scimd) await stopWithin(scimd, 20_000);
      await database?.drop();
    });

    let tenantUrl = '';
    let clientSecret = '';
    let userId = '';

    test('the page loads under its CSP and asks for an admin secret; a wrong one is refused in place', async () => {
      const response = await page.goto(`${origin}/`);
      assert.equal(response?.status(), 200);
      assert.match(response!.headers()['content-security-policy'], /script-src 'self'/);
      await page.getByRole('heading', { name: 'Sign in to scimd' }).waitFor();
      await page.getByLabel('Admin secret').fill('scimd_thisisnotarealsecret');
      await page.getByLabel('Admin secret').press('Enter');
      await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    });

    test('signing in with the keyboard sets an HttpOnly, SameSite=Strict cookie that scripts cannot read', async () => {
      await page.getByLabel('Admin secret').fill(adminSecret);
      await page.getByLabel('Admin secret').press('Enter');
      await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
      const [cookie] = (await browser.context.cookies(origin)).filter((c) => c.name === 'scimd_session');
      assert.ok(cookie, 'a session cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.secure, false, 'plain HTTP: not Secure');
      assert.equal(cookie.path, '/');
      assert.equal(await page.evaluate('document.cookie'), '');
      assert.equal(await page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"), '{}{}', 'the secret is not kept in storage');
    });

    test('creating a directory opens its page with the tenant URL', async () => {
      await page.getByLabel('Name').fill('Entra production');
      await page.getByRole('button', { name: 'Create directory' }).click();
      await page.getByRole('heading', { name: 'Entra production', level: 1 }).waitFor();
      tenantUrl = await page.getByLabel('Tenant URL (SCIM base URL)').inputValue();
      assert.equal(tenantUrl, `${origin}/scim/v2`);
      assert.match(await page.getByTestId('directory-summary').innerText(), /no client secret yet/);
      assert.equal(await page.getByTestId('connected').innerText(), 'no request yet');
    });

    test('+ Client Secret shows the new secret once, with the Entra and Okta steps', async () => {
      await page.getByRole('button', { name: '+ Client Secret' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Entra');
      await dialog.getByRole('button', { name: 'Create secret' }).click();
      clientSecret = await dialog.getByTestId('new-secret').inputValue();
      assert.match(clientSecret, /^scimd_[A-Za-z0-9]+$/);
      assert.match(await dialog.innerText(), /only time the secret is shown/);
      assert.match(await dialog.innerText(), /Secret Token/);
      await dialog.locator('summary', { hasText: 'Okta' }).click();
      assert.match(await dialog.innerText(), /SCIM connector base URL/);
      await dialog.getByRole('button', { name: 'Done, I copied it' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.ok(!(await page.content()).includes(clientSecret), 'once closed, the secret is nowhere in the page');
      await page.getByTestId('secret-row').filter({ hasText: 'Entra' }).waitFor();
    });

    test('a SCIM client using the secret turns the directory connected, showing which client called', async () => {
      const created = await fetch(`${tenantUrl}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/scim+json', 'user-agent': SCIM_CLIENT },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com', displayName: 'Ada Lovelace' }),
      });
      assert.equal(created.status, 201);
      userId = ((await created.json()) as { id: string }).id;
      await refreshUntil(page, 'the directory as connected', async () => (await page.getByTestId('connected').innerText()).startsWith('yes'));
      await refreshUntil(page, 'the last client', async () => (await page.getByTestId('last-request').innerText()).includes(SCIM_CLIENT));
    });

    test('revoking the only secret says provisioning stops, and the rejected request then shows up', async () => {
      await page.getByRole('button', { name: /^Revoke Entra/ }).click();
      const dialog = page.getByRole('dialog');
      assert.match(await dialog.getByTestId('revoke-consequences').innerText(), /only active secret/);
      assert.match(await dialog.getByTestId('revoke-consequences').innerText(), new RegExp(SCIM_CLIENT.replace(/[./]/g, '\\$&')));
      assert.equal(await dialog.getByRole('button', { name: 'Revoke secret' }).isDisabled(), true, 'needs the acknowledgement first');
      await dialog.getByLabel('I understand provisioning stops').check();
      await dialog.getByRole('button', { name: 'Revoke secret' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('secret-row').filter({ hasText: 'revoked' }).waitFor();

      const refused = await fetch(`${tenantUrl}/Users`, { headers: { authorization: `Bearer ${clientSecret}`, 'user-agent': SCIM_CLIENT } });
      assert.equal(refused.status, 401);
      await refreshUntil(page, 'the rejected request', async () => /revoked/.test(await page.getByTestId('rejected').innerText()));
      assert.match(await page.getByTestId('directory-summary').innerText(), /refusing its identity provider/);

      await page.getByRole('link', { name: 'Directories' }).click();
      const card = page.locator('[data-testid="directory-card"][data-directory="Entra production"]');
      assert.match(await card.innerText(), /Refusing its client/);
      assert.match(await card.getByTestId('rejected').innerText(), /revoked/);
    });

    test("the user browser finds the provisioned user and shows its record and history", async () => {
      await page.getByRole('link', { name: 'Entra production' }).click();
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByLabel('Search users').fill('lovelace');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'ada@example.com' }).click();
      await page.getByRole('heading', { name: 'ada@example.com', level: 1 }).waitFor();
      assert.match(await page.locator('pre.json').first().innerText(), new RegExp(userId));
      await page.getByText('user.created').waitFor();
    });

    test('the event feed shows what the SCIM client wrote', async () => {
      await page.getByRole('link', { name: 'Events & webhooks' }).click();
      await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
      await page.getByLabel('Directory').selectOption({ label: 'Entra production' });
      await page.getByTestId('event').filter({ hasText: 'user.created' }).waitFor();
      await page.getByTestId('event').filter({ hasText: 'secret.revoked' }).waitFor();
    });

    test('a provisioning connection: Test Connection step by step, then a dry-run plan', async () => {
      // The target: another directory with a secret of its own, set up through the admin API.
      const admin = (method: string, path: string, body?: unknown) =>
        fetch(`${origin}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${adminSecret}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
      const target = await admin('POST', '/directories', { name: 'App target' });
      assert.equal(target.status, 201);
      const secret = await admin('POST', `/directories/${target.body.id}/secrets`, { name: 'engine' });
      assert.equal(secret.status, 201);
      const source = await admin('GET', `/directories/${encodeURIComponent('Entra production')}`);

      await page.getByRole('link', { name: 'Provisioning' }).click();
      await page.getByLabel('Name').fill('entra-to-app');
      await page.getByLabel('Source').fill(`directory:${source.body.id}`);
      await page.getByLabel('Target SCIM base URL').fill(tenantUrl);
      await page.getByLabel('Target secret token').fill(secret.body.secret);
      await page.getByLabel('Mappings (JSON, optional)').fill(
        JSON.stringify({ users: [{ target: 'userName', source: 'userName', matching: 1 }, { target: 'displayName', source: 'displayName' }], groups: [{ target: 'displayName', source: 'displayName', matching: 1 }] }),
      );
      await page.getByRole('button', { name: 'Create connection' }).click();
      await page.getByRole('heading', { name: 'entra-to-app', level: 1 }).waitFor();

      await page.getByRole('button', { name: 'Test Connection' }).click();
      const result = page.getByTestId('test-result');
      await result.waitFor({ timeout: 60_000 });
      assert.match(await result.innerText(), /Test Connection: passed/);
      assert.ok((await result.locator('li').count()) >= 2, 'the result lists its steps');

      await page.getByRole('button', { name: 'Dry run' }).click();
      const plan = page.getByTestId('cycle-result');
      await plan.waitFor({ timeout: 60_000 });
      assert.match(await plan.innerText(), /Dry-run plan/);
      await plan.getByTestId('plan-step').filter({ hasText: 'create' }).filter({ hasText: 'ada@example.com' }).waitFor();
    });

    test('the audit log lists the console actions', async () => {
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByTestId('audit-row').filter({ hasText: 'secret.revoked' }).waitFor();
      await page.getByTestId('audit-row').filter({ hasText: 'directory.created' }).first().waitFor();
    });

    test('failed requests and uncaught script errors appear in the error banner', async () => {
      await page.goto(`${origin}/#/directories/no-such-directory`);
      await page.getByTestId('error-banner').filter({ hasText: 'No directory "no-such-directory"' }).waitFor();
      await page.evaluate("setTimeout(() => { throw new Error('deliberate test failure'); })");
      await page.getByTestId('error-banner').filter({ hasText: 'deliberate test failure' }).waitFor();
      pageErrors.splice(pageErrors.indexOf('deliberate test failure'), 1);
    });

    test('signing out ends the session on the server: the old cookie no longer opens the API', async () => {
      const [kept] = (await browser.context.cookies(origin)).filter((c) => c.name === 'scimd_session');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You signed out.').waitFor();
      assert.equal((await browser.context.cookies(origin)).filter((c) => c.name === 'scimd_session').length, 0);
      const replayed = await fetch(`${origin}/api/v1/status`, { headers: { cookie: `scimd_session=${kept.value}` } });
      assert.equal(replayed.status, 401);
    });

    test('nothing broke silently: no script errors and no CSP violations', () => {
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(cspViolations, []);
    });
  });
}
