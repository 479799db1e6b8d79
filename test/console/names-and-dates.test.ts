import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';
import { adminApi, signedInConsole } from './chromium.js';
import { visibleDates } from './visible-dates.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The console names what events and webhooks are about, and shows every date the same friendly way. */
for (const backend of BACKENDS) {
  describe(`the console's names and dates on ${backend}`, () => {
    let database: TestDatabase;
    let scimd: ScimdProcess;
    let browser: { context: BrowserContext; close(): Promise<void> };
    let page: Page;
    let origin = '';
    let directoryId = '';
    let userId = '';
    let groupId = '';
    let webhookId = '';
    const adminSecret = randomBytes(36).toString('base64url');

    before(async () => {
      database = await createTestDatabase(backend);
      scimd = await startScimd(['--db', database.url, '--no-bootstrap'], { SCIMD_ADMIN_SECRET: adminSecret });
      origin = new URL(scimd.url).origin;
      const admin = adminApi(origin, adminSecret);
      directoryId = (await admin('POST', '/directories', { name: 'acme' })).id;
      const secret = (await admin('POST', `/directories/${directoryId}/secrets`, { name: 'Entra', expiresIn: '30d' })).secret as string;
      const scim = async (method: string, path: string, body: unknown) => {
        const response = await fetch(`${scimd.url}${path}`, { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
        assert.ok(response.ok, `${method} ${path}: ${response.status}`);
        return (await response.json()) as any;
      };
      userId = (await scim('POST', '/Users', { schemas: [USER], userName: 'ada@example.com' })).id;
      groupId = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [{ value: userId }] })).id;
      await scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Analyst' }] });
      // A receiver that refuses connections (nothing listens on the discard port): the stream just retries.
      webhookId = (await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', directory: 'acme' })).id;
      // The directory counts as connected once its activity is flushed (every few seconds).
      await waitFor('the directory to be connected', async () => (await admin('GET', '/status')).directories[0].connected === true);

      ({ browser, page } = await signedInConsole(origin, adminSecret));
    });
    after(async () => {
      await browser?.close();
      await scimd?.stop();
      await database?.drop();
    });

    test("the event feed names each event's user or group, with its id beside it, and the member of a member event", async () => {
      await page.goto(`${origin}/#/events/${directoryId}`);
      await page.getByTestId('event').first().waitFor();
      const subjects = new Map<string, string>();
      for (const event of await page.getByTestId('event').all()) subjects.set(await event.locator('strong').first().innerText(), await event.getByTestId('event-subject').innerText());
      assert.equal(subjects.get('user.created'), `User ada@example.com ${userId}`);
      assert.equal(subjects.get('user.updated'), `User ada@example.com ${userId}`);
      assert.equal(subjects.get('group.created'), `Group Engineering ${groupId}`);
      assert.equal(subjects.get('group.member_added'), `Group Engineering ${groupId} · member ada@example.com`);
      assert.match(subjects.get('secret.created')!, /^Secret Entra sec_\w+$/);
      const link = page.getByTestId('event').filter({ hasText: 'user.updated' }).getByRole('link', { name: 'ada@example.com' });
      assert.equal(await link.getAttribute('href'), `#/directories/${directoryId}/users/${userId}`);
    });

    test('webhooks are listed with the name of their directory, not its id', async () => {
      await page.goto(`${origin}/#/webhooks`);
      const row = page.getByRole('row').filter({ hasText: '127.0.0.1:9/hook' });
      await row.getByRole('cell', { name: 'acme', exact: true }).waitFor();
      await page.goto(`${origin}/#/webhooks/${webhookId}`);
      await page.getByRole('listitem').filter({ hasText: /^acme: / }).waitFor();
    });

    test('the audit log names each target beside its id: the directory, the secret with its last four, the webhook by its host', async () => {
      await page.goto(`${origin}/#/audit`);
      await page.getByTestId('audit-row').first().waitFor();
      const targets = new Map<string, string>();
      for (const row of await page.getByTestId('audit-row').all()) targets.set(await row.getByRole('rowheader').innerText(), await row.getByTestId('audit-target').innerText());
      assert.equal(targets.get('directory.created'), `acme ${directoryId}`);
      assert.match(targets.get('secret.created')!, /^Entra …\w{4} sec_\w+$/);
      assert.equal(targets.get('webhook.created'), `127.0.0.1:9 ${webhookId}`);
      const by = await page.getByTestId('audit-row').filter({ hasText: 'directory.created' }).getByTestId('audit-actor').innerText();
      assert.match(by, /^SCIMD_ADMIN_SECRET …[\w-]{4} sec_\w+ \(127\.0\.0\.1\)$/, 'the admin secret that acted, by its name');
    });

    for (const [name, path, ready] of [
      ['the overview', '', 'directory-card'],
      ["a directory's page", 'directories/DIR', 'secret-row'],
      ['the event feed', 'events/DIR', 'event'],
      ['the audit log', 'audit', 'audit-row'],
    ] as const) {
      test(`${name} shows dates relative, the absolute time in a tooltip, and no raw timestamp`, async () => {
        await page.goto(`${origin}/#/${path.replace('DIR', directoryId)}`);
        await page.getByTestId(ready).first().waitFor();
        const { raw, times } = await visibleDates(page);
        assert.deepEqual(raw, []);
        assert.ok(times.length > 0, 'the page shows some date');
        for (const t of times) {
          assert.match(t.title, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC$/);
          assert.match(t.text, /ago$|^just now$|^in /);
        }
      });
    }
  });
}
