import { secretState } from '../auth/secrets.js';
import type { SecretRecord } from '../store/store.js';
import type { SecretListState, SecretView } from './admin-views.js';

const DAY_MS = 86_400_000;

/**
 * A secret as admins see it. `expiring` is only a label: such a secret still works, but it is
 * inside the warning window (`windowDays` before expiry), so its successor is due.
 */
export function secretView(record: SecretRecord, now: Date, windowDays: number): SecretView {
  const state = secretState(record, now);
  const msLeft = record.expiresAt === null ? null : Date.parse(record.expiresAt) - now.getTime();
  // Days left to the nearest day, as the console's "in 10 days" counts them; under a day is 0, not 1.
  const daysLeft = state === 'active' && msLeft !== null ? (msLeft < DAY_MS ? 0 : Math.round(msLeft / DAY_MS)) : null;
  const listState: SecretListState = state === 'active' && msLeft !== null && msLeft <= windowDays * DAY_MS ? 'expiring' : state;
  return {
    id: record.id,
    name: record.name,
    suffix: record.suffix,
    directoryId: record.directoryId,
    created: record.created,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    firstUsedAt: record.firstUsedAt ?? null,
    // First use is written at once, the last use every few seconds: never show "never used" beside a first use.
    lastUsedAt: latest(record.lastUsedAt, record.firstUsedAt ?? null),
    lastUsedIp: record.lastUsedIp,
    lastUsedUserAgent: record.lastUsedUserAgent,
    state: listState,
    daysLeft,
  };
}

function latest(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null || a >= b ? a : b;
}

/** Whether the secret opens its directory now (expiring ones included). */
export function isActive(record: SecretRecord, now: Date): boolean {
  return secretState(record, now) === 'active';
}

/** `"Entra" (sec_…, …abcd)`: how messages name a secret without revealing it. */
export function describeSecret(record: Pick<SecretRecord, 'id' | 'name' | 'suffix'>): string {
  return `"${record.name}" (${record.id}, …${record.suffix})`;
}
