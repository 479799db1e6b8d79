/**
 * `npm run screenshots`: starts a scimd on a scratch database, gives it a few directories in
 * telling states (healthy mid-rotation, a secret expiring, refusing a revoked secret), signs in
 * to the console in Chromium and saves the main pages to docs/screenshots/*.png (the
 * Notifications page and a provisioning connection's page among them).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScimd } from '../test/support/scimd-process.js';
import { launchChromium } from '../test/console/chromium.js';

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'scimd-screenshots-'));
  const adminSecret = randomBytes(36).toString('base64url');
  const scimd = await startScimd(['--db', join(scratch, 'scimd.db'), '--no-bootstrap', '--source-dir', scratch], {
    SCIMD_ADMIN_SECRET: adminSecret,
    SCIMD_NO_SCHEDULER: '1',
    SCIMD_KEY_FILE: join(scratch, 'scimd.key'),
  });
  const origin = new URL(scimd.url).origin;
  const browser = await launchChromium({ width: 1280, height: 860 });
  // A chat webhook on loopback that answers as Slack does, for the Notifications page's test message.
  const chat: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
  try {
    const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
      const response = await fetch(`${origin}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminSecret}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : response.json();
    };
    const scim = (secret: string, method: string, path: string, body?: unknown, agent = 'Azure AD SCIM Client') =>
      fetch(`${scimd.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, 'user-agent': agent, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });

    // Entra production: connected, mid-rotation (the new secret carries traffic, the old one still too).
    const entra = await admin('POST', '/directories', { name: 'Entra production' });
    const old = await admin('POST', `/directories/${entra.id}/secrets`, { name: 'Entra 2026', expiresIn: '45d' });
    const ids: string[] = [];
    for (const [userName, displayName] of [['ada@example.com', 'Ada Lovelace'], ['grace@example.com', 'Grace Hopper'], ['alan@example.com', 'Alan Turing'], ['edsger@example.com', 'Edsger Dijkstra']]) {
      const created = await scim(old.secret, 'POST', '/Users', { schemas: [USER], userName, displayName, emails: [{ value: userName, primary: true }], active: true });
      ids.push(((await created.json()) as { id: string }).id);
    }
    await scim(old.secret, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: ids.map((value) => ({ value })) });
    await scim(old.secret, 'PATCH', `/Users/${ids[0]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Analyst' }] });
    const successor = await admin('POST', `/directories/${entra.id}/secrets`, { name: 'Entra 2027', expiresIn: '365d' });
    await scim(successor.secret, 'GET', '/Users?count=1');

    // Okta staging: refusing its client, which still sends a revoked secret.
    const okta = await admin('POST', '/directories', { name: 'Okta staging' });
    const oktaOld = await admin('POST', `/directories/${okta.id}/secrets`, { name: 'Okta' });
    await scim(oktaOld.secret, 'GET', '/Users?count=1', undefined, 'Okta SCIM Client 1.0');
    await admin('POST', `/directories/${okta.id}/secrets`, { name: 'Okta rotated' });
    await admin('DELETE', `/directories/${okta.id}/secrets/${oktaOld.id}`);
    await scim(oktaOld.secret, 'GET', '/Users?count=1', undefined, 'Okta SCIM Client 1.0');

    // Apple Business Manager: created, never connected.
    const apple = await admin('POST', '/directories', { name: 'Apple Business Manager' });
    await admin('POST', `/directories/${apple.id}/secrets`, { name: 'ABM' });

    // Notifications: the on-call mailbox for everything, and an ops channel for Entra production with a test sent.
    await admin('POST', '/notifications', { recipient: 'oncall@example.com' });
    const channel = await admin('POST', '/notifications', { recipient: `slack+http://127.0.0.1:${(chat.address() as AddressInfo).port}/services/T01/B02/ops`, directory: entra.id });
    await admin('POST', `/notifications/${channel.id}/test`, {});

    // Activity is flushed every few seconds: wait until the status shows it.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      const status = await admin('GET', '/status');
      if (status.directories.every((d: { name: string; connected: boolean; rejectedCount: number }) => d.name === 'Apple Business Manager' || (d.connected && (d.name !== 'Okta staging' || d.rejectedCount > 0)))) break;
    }

    await mkdir(OUT, { recursive: true });
    const page = await browser.context.newPage();
    const shoot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      console.log(`docs/screenshots/${name}.png`);
    };
    await page.goto(`${origin}/`);
    await page.getByLabel('Admin secret').waitFor();
    await shoot('sign-in');
    await page.getByLabel('Admin secret').fill(adminSecret);
    await page.getByLabel('Admin secret').press('Enter');
    await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
    await page.locator('[data-testid="directory-card"]').first().waitFor();
    await shoot('overview');
    await page.goto(`${origin}/#/directories/${entra.id}`);
    await page.getByTestId('rotation-state').waitFor();
    await shoot('directory');
    await page.goto(`${origin}/#/directories/${apple.id}`);
    await page.getByRole('button', { name: '+ Client Secret' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('ABM 2027');
    await page.getByRole('dialog').getByRole('button', { name: 'Create secret' }).click();
    await page.getByTestId('new-secret').waitFor();
    await page.screenshot({ path: join(OUT, 'new-secret.png') });
    console.log('docs/screenshots/new-secret.png');
    await page.getByRole('button', { name: 'Done, I copied it' }).click();
    await page.goto(`${origin}/#/directories/${okta.id}`);
    await page.getByRole('button', { name: /^Revoke Okta rotated/ }).click();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: join(OUT, 'revoke.png') });
    console.log('docs/screenshots/revoke.png');
    await page.keyboard.press('Escape');
    await page.goto(`${origin}/#/directories/${entra.id}/users`);
    await page.getByRole('link', { name: 'ada@example.com' }).waitFor();
    await shoot('users');
    await page.goto(`${origin}/#/directories/${entra.id}/users/${ids[0]}`);
    await page.getByText('user.updated').waitFor();
    await shoot('user');
    await page.goto(`${origin}/#/events/${entra.id}`);
    await page.getByTestId('event').first().waitFor();
    await shoot('events');
    await page.goto(`${origin}/#/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    await shoot('audit');
    await page.goto(`${origin}/#/notifications`);
    await page.getByTestId('notification-log').waitFor();
    await shoot('notifications');

    // Provisioning: an HR export into another directory of this server, where one person already was
    // (adopted), then a change of name, then a cycle with nothing to do.
    const app = await admin('POST', '/directories', { name: 'Wiki' });
    const appSecret = (await admin('POST', `/directories/${app.id}/secrets`, { name: 'scimd engine' })).secret as string;
    await scim(appSecret, 'POST', '/Users', { schemas: [USER], userName: 'ada@example.com', active: true }, 'scimd-screenshots');
    const people = (rows: string[]) => writeFile(join(scratch, 'hr.csv'), `userName,externalId,name.givenName,name.familyName,active\n${rows.join('\n')}\n`);
    await people(['ada@example.com,e1,Ada,Lovelace,true', 'grace@example.com,e2,Grace,Hopper,true', 'alan@example.com,e3,Alan,Turing,true']);
    const connection = (await admin('POST', '/connections', { name: 'hr-to-wiki', source: `file:${join(scratch, 'hr.csv')}`, target: scimd.url, secret: appSecret, schedule: 'off' })).connection;
    await admin('POST', `/connections/${connection.id}/run`, {});
    await people(['ada@example.com,e1,Ada,Lovelace,true', 'grace@example.com,e2,Grace,Hopper,true', 'alan@example.com,e3,Alan Mathison,Turing,true']);
    await admin('POST', `/connections/${connection.id}/run`, {});
    await admin('POST', `/connections/${connection.id}/run`, {});
    await page.goto(`${origin}/#/connections/${connection.id}`);
    await page.getByTestId('log-changes').first().waitFor();
    await shoot('connection');
  } finally {
    await browser.close();
    await new Promise((resolve) => chat.close(resolve));
    await scimd.stop('SIGKILL');
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
