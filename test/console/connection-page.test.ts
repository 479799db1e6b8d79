import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { adminApi, signedInConsole } from './chromium.js';
import { visibleDates } from './visible-dates.js';

const HEADER = 'userName,externalId,name.givenName,name.familyName,active\n';

/** A connection's page: its cycles with every count, a chart with axes, and a log as detailed as `scimd sync log`. */
for (const backend of BACKENDS) {
  describe(`the console's connection page on ${backend}`, () => {
    let database: TestDatabase;
    let scimd: ScimdProcess;
    let browser: { context: BrowserContext; close(): Promise<void> };
    let page: Page;
    let dir = '';
    const adminSecret = randomBytes(36).toString('base64url');

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-connection-page-'));
      database = await createTestDatabase(backend);
      scimd = await startScimd(['--db', database.url, '--no-bootstrap', '--source-dir', dir], { SCIMD_ADMIN_SECRET: adminSecret, SCIMD_KEY_FILE: join(dir, 'scimd.key') });
      const origin = new URL(scimd.url).origin;
      const admin = adminApi(origin, adminSecret);
      // The target is a directory of the same server; ann is there already, so the first cycle adopts her.
      const target = await admin('POST', '/directories', { name: 'app' });
      const secret = (await admin('POST', `/directories/${target.id}/secrets`, { name: 'engine' })).secret as string;
      const existing = await fetch(`${scimd.url}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ann@acme.com', active: true }),
      });
      assert.equal(existing.status, 201);
      const csv = (rows: string[]) => writeFileSync(join(dir, 'users.csv'), HEADER + rows.join('\n') + '\n');
      csv(['ann@acme.com,e1,Ann,Lee,true', 'ben@acme.com,e2,Ben,Ko,true']);
      const created = await admin('POST', '/connections', { name: 'hr-to-app', source: `file:${dir}/users.csv`, target: scimd.url, secret, schedule: 'off' });
      const id = created.connection.id as string;
      const first = await admin('POST', `/connections/${id}/run`, {});
      assert.deepEqual([first.summary.created, first.summary.adopted], [1, 1], JSON.stringify(first.summary));
      csv(['ann@acme.com,e1,Ann,Lee,true', 'ben@acme.com,e2,Benjamin,Ko,true']);
      assert.equal((await admin('POST', `/connections/${id}/run`, {})).summary.updated, 1);
      const idle = await admin('POST', `/connections/${id}/run`, {});
      assert.deepEqual([idle.summary.created, idle.summary.updated, idle.summary.unchanged], [0, 0, 2], 'the third cycle changes nothing');

      ({ browser, page } = await signedInConsole(origin, adminSecret));
      await page.goto(`${origin}/#/connections/${id}`);
      await page.getByRole('heading', { name: 'hr-to-app', level: 1 }).waitFor();
      await page.getByTestId('log-entry').first().waitFor();
      // The cycle history loads by its own request; count() does not wait, so wait for its third row here.
      await page.getByRole('table', { name: 'Cycle history' }).locator('tbody tr').nth(2).waitFor();
    });
    after(async () => {
      await browser?.close();
      await scimd?.stop();
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('the cycle history counts adopted objects, as `connection show` does', async () => {
      const rows = page.getByRole('table', { name: 'Cycle history' }).locator('tbody tr');
      assert.equal(await rows.count(), 3);
      assert.match(await rows.last().innerText(), /1 created, 1 adopted, 0 updated/);
    });

    test('a log line shows where the source has the object and the attribute changes', async () => {
      const update = page.getByTestId('log-entry').filter({ has: page.getByRole('rowheader', { name: 'update', exact: true }) });
      assert.equal(await update.count(), 1);
      assert.equal(await update.getByTestId('log-changes').innerText(), 'name.givenName: "Ben" → "Benjamin"');
      assert.equal(await update.getByTestId('log-origin').innerText(), 'users.csv line 3');
      const create = page.getByTestId('log-entry').filter({ has: page.getByRole('rowheader', { name: 'create', exact: true }) });
      assert.match(await create.getByTestId('log-changes').innerText(), /userName = "ben@acme\.com"/);
    });

    test("a cycle's Log link narrows the log to that cycle", async () => {
      const oldest = page.getByRole('table', { name: 'Cycle history' }).locator('tbody tr').last();
      await oldest.getByRole('link', { name: 'Log' }).click();
      await page.getByTestId('log-cycle').waitFor();
      await page.getByTestId('log-entry').filter({ has: page.getByRole('rowheader', { name: 'update', exact: true }) }).waitFor({ state: 'detached' });
      assert.ok((await page.getByTestId('log-entry').count()) >= 2, 'the first cycle adopted ann and created ben');
      await page.getByRole('button', { name: 'Show every cycle' }).click();
      await page.getByTestId('log-entry').filter({ has: page.getByRole('rowheader', { name: 'update', exact: true }) }).waitFor();
    });

    test('the cycle chart has labelled axes and a visible bar for the cycle that changed nothing', async () => {
      const chart = page.locator('figure.cycle-chart svg');
      assert.equal(await chart.getByTestId('chart-x-label').textContent(), 'time (cycles, oldest first)');
      assert.equal(await chart.getByTestId('chart-y-label').textContent(), 'objects');
      const bars = chart.getByTestId('cycle-bar');
      assert.equal(await bars.count(), 3);
      const noop = chart.locator('[data-testid="cycle-bar"][data-noop="true"]');
      assert.equal(await noop.count(), 1);
      const box = await noop.boundingBox();
      assert.ok(box && box.height > 0 && box.width > 0, `the no-op bar is drawn: ${JSON.stringify(box)}`);
      assert.match((await noop.locator('title').textContent()) ?? '', /nothing changed/);
    });

    test('dates read relative, with the absolute time in the tooltip, and no raw timestamp', async () => {
      const { raw, times } = await visibleDates(page);
      assert.deepEqual(raw, []);
      assert.ok(times.length >= 3, 'the cycles and log lines carry times');
      for (const t of times) assert.match(t.title, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC$/);
      for (const t of times) assert.match(t.text, /ago$|^just now$|^in /);
    });
  });
}
