import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionStatus, SecretRecord } from '../store/store.js';
import { compareStatus, directoryStatus } from './directory-health.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date('2026-06-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
const directory = { id: 'dir_x', name: 'x', created: at(-100 * DAY), settings: {} };
const options = { now, windowDays: 60, idleHours: 24 };

function secret(overrides: Partial<SecretRecord>): SecretRecord {
  return {
    id: 'sec_a',
    directoryId: 'dir_x',
    scope: 'scim',
    name: 'Entra',
    hash: '',
    suffix: 'abcd',
    created: at(-100 * DAY),
    expiresAt: at(200 * DAY),
    revokedAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
    ...overrides,
  };
}

function connection(overrides: Partial<ConnectionStatus>): ConnectionStatus {
  return {
    directoryId: 'dir_x',
    firstRequestAt: at(-50 * DAY),
    lastRequestAt: at(-HOUR),
    lastClientIp: '10.0.0.1',
    lastUserAgent: 'Entra',
    requestCount: 10,
    errorCount: 0,
    rejectedCount: 0,
    lastRejectedAt: null,
    lastRejectedSecretId: null,
    lastRejectedReason: null,
    ...overrides,
  };
}

describe('directory health', () => {
  it('healthy: connected, recent traffic, no secret inside the warning window', () => {
    const status = directoryStatus(directory, connection({}), [secret({})], options);
    assert.equal(status.health, 'healthy');
    assert.equal(status.attention, false);
    assert.match(status.summary, /last request at .* from 10\.0\.0\.1; next expiry/);
  });

  it('rejecting when the last thing the client did was use an expired secret, however long ago', () => {
    const expired = secret({ id: 'sec_old', expiresAt: at(-10 * DAY) });
    const status = directoryStatus(directory, connection({ lastRequestAt: at(-11 * DAY), lastRejectedAt: at(-9 * DAY), lastRejectedSecretId: 'sec_old', lastRejectedReason: 'expired', rejectedCount: 300 }), [expired, secret({})], options);
    assert.equal(status.health, 'rejecting');
    assert.equal(status.attention, true);
    assert.match(status.summary, /"Entra" \(…abcd\), which expired 10 days ago/);
  });

  it('a secret with minutes left has 0 days left and "expires in less than a day", not "in 1 day"', () => {
    const status = directoryStatus(directory, connection({}), [secret({ expiresAt: at(60_000) })], options);
    assert.equal(status.secrets[0]!.daysLeft, 0);
    assert.match(status.summary, /expires in less than a day/);
    const tenDaysLess = directoryStatus(directory, connection({}), [secret({ expiresAt: at(10 * DAY - HOUR) })], options);
    assert.equal(tenDaysLess.secrets[0]!.daysLeft, 10, 'as the console says "in 10 days"');
  });

  it('right after the first request, before the counters are flushed: no "at null", no 0 requests', () => {
    const status = directoryStatus(directory, connection({ firstRequestAt: at(-60_000), lastRequestAt: null, requestCount: 0, lastClientIp: null }), [secret({})], options);
    assert.equal(status.health, 'healthy');
    assert.doesNotMatch(status.summary, /null/);
    assert.equal(status.lastRequestAt, at(-60_000));
    assert.equal(status.requestCount, 1);
  });

  it('a rejection clears once an active secret carries accepted traffic after it, however recent the rejection', () => {
    const revoked = secret({ id: 'sec_old', name: 'old', suffix: 'oooo', revokedAt: at(-3 * HOUR), lastUsedAt: at(-2 * HOUR) });
    const rejected = { lastRejectedAt: at(-2 * HOUR), lastRejectedSecretId: 'sec_old', lastRejectedReason: 'revoked' as const, rejectedCount: 1 };
    const before = directoryStatus(directory, connection({ ...rejected, lastRequestAt: at(-3 * HOUR) }), [revoked, secret({ lastUsedAt: at(-3 * HOUR) })], options);
    assert.equal(before.health, 'rejecting', 'nothing accepted since the rejection');
    const after = directoryStatus(directory, connection({ ...rejected, lastRequestAt: at(-HOUR) }), [revoked, secret({ lastUsedAt: at(-HOUR) })], options);
    assert.equal(after.health, 'healthy');
    assert.equal(after.attention, false);
  });

  it('a rejection older than the idle period, followed by good traffic, no longer counts', () => {
    const status = directoryStatus(directory, connection({ lastRejectedAt: at(-2 * DAY), lastRejectedSecretId: 'sec_a', lastRejectedReason: 'revoked' }), [secret({})], options);
    assert.equal(status.health, 'healthy');
  });

  it('no active secret needs attention only once the directory was connected', () => {
    const revoked = [secret({ revokedAt: at(-DAY) })];
    assert.deepEqual([directoryStatus(directory, connection({}), revoked, options)].map((s) => [s.health, s.attention]), [['no_active_secret', true]]);
    assert.deepEqual([directoryStatus(directory, undefined, [], options)].map((s) => [s.health, s.attention]), [['no_active_secret', false]]);
  });

  it('expiring names the secret and whether its successor is in use; idle and not connected do not need attention', () => {
    const expiring = secret({ expiresAt: at(20 * DAY) });
    const successor = secret({ id: 'sec_b', name: 'Entra 2027', suffix: 'wxyz', created: at(-DAY), expiresAt: at(364 * DAY), firstUsedAt: at(-HOUR) });
    const status = directoryStatus(directory, connection({}), [expiring, successor], options);
    assert.equal(status.health, 'expiring');
    assert.match(status.summary, /expires in 20 days .*; its successor "Entra 2027" \(…wxyz\) is in use, so revoke the old one/);
    const idle = directoryStatus(directory, connection({ lastRequestAt: at(-30 * HOUR) }), [secret({})], options);
    assert.deepEqual([idle.health, idle.attention], ['idle', false]);
    assert.match(idle.summary, /no requests for 30 hours/);
    const fresh = directoryStatus(directory, connection({ firstRequestAt: null, lastRequestAt: null }), [secret({})], options);
    assert.deepEqual([fresh.health, fresh.attention], ['not_connected', false]);
  });

  it('sorts worst first, then by the soonest expiry', () => {
    const make = (name: string, expiresInDays: number, conn: Partial<ConnectionStatus>) =>
      directoryStatus({ ...directory, name }, connection(conn), [secret({ expiresAt: at(expiresInDays * DAY) })], options);
    const sorted = [make('b-healthy', 300, {}), make('idle', 300, { lastRequestAt: at(-2 * DAY) }), make('late', 50, {}), make('soon', 5, {})].sort(compareStatus);
    assert.deepEqual(sorted.map((s) => s.name), ['soon', 'late', 'idle', 'b-healthy']);
  });
});
