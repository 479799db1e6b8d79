import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = generateWebhookSecret();
  const now = new Date('2026-11-28T12:00:00Z');
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify({ type: 'user.created', id: 'evt_1' });

  it('signs `id.timestamp.body` with HMAC-SHA256 under the base64 key after whsec_', () => {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`msg_1.${timestamp}.${body}`).digest('base64');
    assert.equal(signWebhook([secret], 'msg_1', timestamp, body), `v1,${expected}`);
  });

  it('verifies its own signatures', () => {
    const signature = signWebhook([secret], 'msg_1', timestamp, body);
    assert.equal(verifyWebhook(secret, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, body, now), true);
  });

  it('accepts any of several signatures, so secrets can rotate', () => {
    const older = generateWebhookSecret();
    const signature = signWebhook([older, secret], 'msg_2', timestamp, body);
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    assert.equal(verifyWebhook(secret, headers, body, now), true);
    assert.equal(verifyWebhook(older, headers, body, now), true);
    assert.equal(verifyWebhook(generateWebhookSecret(), headers, body, now), false);
  });

  it('rejects a changed body, id or timestamp, a wrong version, and missing headers', () => {
    const headers = { 'webhook-id': 'msg_3', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook([secret], 'msg_3', timestamp, body) };
    assert.equal(verifyWebhook(secret, headers, `${body} `, now), false);
    assert.equal(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_4' }, body, now), false);
    assert.equal(verifyWebhook(secret, { ...headers, 'webhook-timestamp': String(timestamp + 1) }, body, now), false);
    assert.equal(verifyWebhook(secret, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') }, body, now), false);
    assert.equal(verifyWebhook(secret, { 'webhook-id': 'msg_3' }, body, now), false);
  });

  it('rejects deliveries older or newer than the tolerance, to stop replays', () => {
    const old = timestamp - 301;
    const headers = { 'webhook-id': 'm', 'webhook-timestamp': String(old), 'webhook-signature': signWebhook([secret], 'm', old, body) };
    assert.equal(verifyWebhook(secret, headers, body, now), false);
    assert.equal(verifyWebhook(secret, headers, body, now, 600), true);
  });
});
