import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderEmail } from './email-render.js';
import { notificationFor } from './notification-templates.js';

const now = new Date('2026-12-06T12:00:00Z');
const secretData = { secretId: 'sec_1', secretName: 'Entra', suffix: 'x9Q2', expiresAt: '2026-12-13T10:00:00.000Z' };

describe('notification templates', () => {
  it('tells an expiring secret whose successor already carries traffic needs no renewal, only retiring', () => {
    const message = notificationFor({ type: 'secret.expiring', directoryId: 'dir_1', data: { ...secretData, daysLeft: 7, newerSecretInUse: true } }, { now, directoryName: 'Acme Inc' })!;
    assert.equal(message.title, 'Client secret "Entra" of directory "Acme Inc" expires in 7 days');
    assert.match(message.summary, /A newer secret already carries traffic, so provisioning will go on/);
    assert.deepEqual(message.facts.find(([label]) => label === 'Successor'), ['Successor', 'a newer secret already carries traffic']);
    assert.equal(message.steps.length, 1);
    assert.match(message.steps[0]!, /scimd token list "Acme Inc"`.*scimd token revoke sec_1/);
  });

  it('links to the console only when the public URL is known', () => {
    const event = { type: 'secret.expired', directoryId: 'dir_1', data: secretData };
    assert.equal(notificationFor(event, { now })!.link, undefined);
    assert.equal(notificationFor(event, { now, publicUrl: 'https://scim.example.com' })!.link!.url, 'https://scim.example.com/#/directories/dir_1');
  });

  it('says a revoked secret is still being sent, with when it was revoked', () => {
    const message = notificationFor({ type: 'auth.rejected', directoryId: 'dir_1', data: { ...secretData, reason: 'revoked', revokedAt: '2026-12-01T08:30:00.000Z', clientIp: '203.0.113.9' } }, { now, directoryName: 'acme' })!;
    assert.match(message.title, /still sends a revoked secret/);
    assert.match(message.summary, /which was revoked at 2026-12-01 08:30 UTC/);
    assert.deepEqual(message.facts.find(([label]) => label === 'Client address'), ['Client address', '203.0.113.9']);
  });

  it('says which admin secret is still presented after it expired, where, by whom, and how to replace it', () => {
    const data = { ...secretData, secretName: 'nightly export', expiresAt: '2026-12-01T10:00:00.000Z', reason: 'expired', revokedAt: null, via: 'admin_api', clientIp: '198.51.100.4', userAgent: 'curl/8.5' };
    const message = notificationFor({ type: 'auth.rejected', directoryId: '', data }, { now, publicUrl: 'https://scim.example.com' })!;
    assert.equal(message.title, 'Something still uses the expired admin secret "nightly export"');
    assert.equal(message.severity, 'critical');
    assert.match(message.summary, /from 198\.51\.100\.4 \(curl\/8\.5\) presented the admin secret "nightly export" \(…x9Q2\) to the admin API .* expired at 2026-12-01 10:00 UTC/);
    assert.deepEqual(message.facts.slice(0, 2), [
      ['Secret', '"nightly export" (…x9Q2, sec_1)'],
      ['Expired', '2026-12-01 10:00 UTC (5 days ago)'],
    ]);
    assert.match(message.steps.join(' '), /scimd admin token create --name "nightly export 2027"/);
    assert.match(message.steps.join(' '), /SCIMD_ADMIN_SECRET/);
    assert.equal(message.link!.url, 'https://scim.example.com/');
    const revoked = notificationFor({ type: 'auth.rejected', directoryId: '', data: { ...data, reason: 'revoked', revokedAt: '2026-12-01T08:30:00.000Z', via: 'console_sign_in' } }, { now })!;
    assert.equal(revoked.title, 'Something still uses the revoked admin secret "nightly export"');
    assert.deepEqual(revoked.facts.slice(1, 3), [['Revoked', '2026-12-01 08:30 UTC'], ['Presented to', 'the console sign-in']]);
  });

  it('has a message for each connection event of the failures work, keyed by its type', () => {
    const data = { connectionId: 'con_1', connectionName: 'payroll', reason: 'target answered 401 on 5 cycles', since: '2026-12-05T09:00:00.000Z', failures: 5 };
    const quarantined = notificationFor({ type: 'connection.quarantined', directoryId: 'dir_1', data }, { now, publicUrl: 'https://scim.example.com' })!;
    assert.equal(quarantined.title, 'Provisioning connection "payroll" is in quarantine');
    assert.equal(quarantined.severity, 'critical');
    assert.deepEqual(quarantined.facts, [
      ['Connection', '"payroll" (con_1)'],
      ['Reason', 'target answered 401 on 5 cycles'],
      ['Since', '2026-12-05 09:00 UTC'],
      ['Failures', '5'],
    ]);
    assert.equal(quarantined.link!.url, 'https://scim.example.com/#/connections/con_1');
    const stopped = notificationFor({ type: 'connection.stopped', directoryId: 'dir_1', data: { ...data, reason: 'deletion threshold: 40 of 100 users' } }, { now })!;
    assert.equal(stopped.title, 'Provisioning connection "payroll" has stopped');
    assert.match(stopped.steps.join(' '), /scimd sync payroll --dry-run/);
    const recovered = notificationFor({ type: 'connection.recovered', directoryId: 'dir_1', data }, { now })!;
    assert.equal(recovered.severity, 'info');
    assert.deepEqual(recovered.steps, []);
  });

  it('tells about a quiet directory with its last request', () => {
    const message = notificationFor({ type: 'directory.quiet', directoryId: 'dir_1', data: { lastRequestAt: '2026-12-04T12:00:00.000Z', quietForMs: 2 * 86_400_000 } }, { now, directoryName: 'acme' })!;
    assert.equal(message.title, 'Directory "acme" has had no requests since 2026-12-04 12:00 UTC');
    assert.match(message.summary, /none has arrived for 2 days/);
  });

  it('stays silent about events people are not told about', () => {
    assert.equal(notificationFor({ type: 'user.created', directoryId: 'dir_1', data: {} }, { now }), undefined);
    assert.equal(notificationFor({ type: 'secret.first_used', directoryId: 'dir_1', data: secretData }, { now }), undefined);
  });

  it('escapes what an event carries in the HTML e-mail', () => {
    const message = notificationFor({ type: 'secret.expired', directoryId: 'dir_1', data: { ...secretData, secretName: '<img src=x>' } }, { now, directoryName: 'a&b' })!;
    const { html, text } = renderEmail(message);
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&lt;img src=x&gt;') && html.includes('a&amp;b'));
    assert.ok(text.includes('"<img src=x>"'));
  });
});
