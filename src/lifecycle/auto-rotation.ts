import { secretState } from '../auth/secrets.js';
import type { SecretRecord } from '../store/store.js';

const HOUR_MS = 3_600_000;

export interface AutoRevocation {
  secret: SecretRecord;
  /** The newer secret whose traffic makes `secret` redundant. */
  successor: SecretRecord;
}

/**
 * Which of a directory's secrets the opt-in rotation policy revokes now: every active secret
 * older than the newest secret that first carried traffic at least the grace period ago, once
 * the older one has also been idle for the grace period. The idle condition matters: an admin who pastes the new secret into Entra and clicks Test Connection
 * but never Save leaves Entra on the old secret, and revoking it then would cause the very outage
 * rotation is meant to avoid. Such a secret is revoked once it has been idle for the grace period.
 */
export function secretsToAutoRevoke(secrets: SecretRecord[], graceHours: number, now: Date): AutoRevocation[] {
  const active = secrets.filter((s) => s.scope === 'scim' && secretState(s, now) === 'active');
  const cutoff = now.getTime() - graceHours * HOUR_MS;
  const settled = active.filter((s) => s.firstUsedAt && Date.parse(s.firstUsedAt) <= cutoff).sort((a, b) => compareCreation(b, a));
  const successor = settled[0];
  if (!successor) return [];
  return active
    .filter((s) => compareCreation(s, successor) < 0)
    .filter((s) => !s.lastUsedAt || Date.parse(s.lastUsedAt) <= cutoff)
    .map((secret) => ({ secret, successor }));
}

/** Creation order, ties broken by id so the order is total. */
function compareCreation(a: SecretRecord, b: SecretRecord): number {
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
