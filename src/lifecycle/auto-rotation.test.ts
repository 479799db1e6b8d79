import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecretRecord } from '../store/store.js';
import { secretsToAutoRevoke } from './auto-rotation.js';

const HOUR = 3_600_000;
const now = new Date('2030-01-10T00:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * HOUR).toISOString();

function secret(id: string, createdHoursAgo: number, use: { first?: number; last?: number } = {}, extra: Partial<SecretRecord> = {}): SecretRecord {
  return {
    id,
    directoryId: 'dir_1',
    scope: 'scim',
    name: id,
    hash: id,
    suffix: id.slice(-4),
    created: hoursAgo(createdHoursAgo),
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: use.last === undefined ? null : hoursAgo(use.last),
    lastUsedIp: null,
    lastUsedUserAgent: null,
    firstUsedAt: use.first === undefined ? null : hoursAgo(use.first),
    ...extra,
  };
}

const ids = (list: ReturnType<typeof secretsToAutoRevoke>) => list.map((r) => `${r.secret.id}<${r.successor.id}`);

describe('automatic revocation after rotation', () => {
  it('revokes the older secret once the newer one has carried traffic for the grace period and the older one has been idle as long', () => {
    const old = secret('sec_old', 100, { first: 99, last: 25 });
    const fresh = secret('sec_new', 30, { first: 25, last: 0 });
    assert.deepEqual(ids(secretsToAutoRevoke([old, fresh], 24, now)), ['sec_old<sec_new']);
  });

  it('waits while the grace period since the newer secret first carried traffic is running', () => {
    const old = secret('sec_old', 100, { first: 99, last: 23 });
    const fresh = secret('sec_new', 30, { first: 23, last: 0 });
    assert.deepEqual(secretsToAutoRevoke([old, fresh], 24, now), []);
  });

  it('keeps an older secret the client still uses (new secret tested but never saved)', () => {
    const old = secret('sec_old', 100, { first: 99, last: 0 });
    const fresh = secret('sec_new', 50, { first: 48, last: 48 });
    assert.deepEqual(secretsToAutoRevoke([old, fresh], 24, now), []);
  });

  it('does nothing until a newer secret has been used at all', () => {
    assert.deepEqual(secretsToAutoRevoke([secret('sec_old', 100, { first: 99, last: 90 }), secret('sec_new', 50)], 24, now), []);
  });

  it('never revokes newer secrets, nor admin, revoked or expired ones', () => {
    const admin = secret('sec_admin', 200, {}, { scope: 'admin', directoryId: null });
    const revoked = secret('sec_revoked', 150, {}, { revokedAt: hoursAgo(140) });
    const expired = secret('sec_expired', 140, {}, { expiresAt: hoursAgo(1) });
    const old = secret('sec_old', 100);
    const used = secret('sec_used', 60, { first: 50, last: 1 });
    const newest = secret('sec_newest', 10);
    assert.deepEqual(ids(secretsToAutoRevoke([admin, revoked, expired, old, used, newest], 24, now)), ['sec_old<sec_used']);
  });

  it('takes the newest secret past its grace period as the successor', () => {
    const a = secret('sec_a', 300, { first: 299, last: 200 });
    const b = secret('sec_b', 200, { first: 190, last: 30 });
    const c = secret('sec_c', 40, { first: 30, last: 0 });
    assert.deepEqual(ids(secretsToAutoRevoke([a, b, c], 24, now)), ['sec_a<sec_c', 'sec_b<sec_c']);
    // With a longer grace period c is still settling: only a goes, b succeeding it.
    assert.deepEqual(ids(secretsToAutoRevoke([a, b, c], 48, now)), ['sec_a<sec_b']);
  });
});
