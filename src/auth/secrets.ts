import { timingSafeEqual } from 'node:crypto';
import type { SecretRecord, SecretScope, Store } from '../store/store.js';
import { generateSecret, hashSecret, isWellFormedSecret, randomId, secretSuffix } from './secret-format.js';

export const DEFAULT_SECRET_LIFETIME_MS = 365 * 86_400_000;

export interface NewSecret {
  directoryId: string | null;
  scope: SecretScope;
  name: string;
  /** Lifetime in milliseconds; null never expires. */
  lifetimeMs: number | null;
  now: Date;
}

/** Creates a secret and stores its hash. The returned secret text is the only copy there is. */
export async function createSecret(store: Store, input: NewSecret): Promise<{ record: SecretRecord; secret: string }> {
  const secret = generateSecret();
  const record: SecretRecord = {
    id: randomId('sec'),
    directoryId: input.directoryId,
    scope: input.scope,
    name: input.name,
    hash: hashSecret(secret),
    suffix: secretSuffix(secret),
    created: input.now.toISOString(),
    expiresAt: input.lifetimeMs === null ? null : new Date(input.now.getTime() + input.lifetimeMs).toISOString(),
    revokedAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
  };
  await store.insertSecret(record);
  return { record, secret };
}

export type SecretState = 'active' | 'expired' | 'revoked';

export function secretState(record: SecretRecord, now: Date): SecretState {
  if (record.revokedAt) return 'revoked';
  if (record.expiresAt && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

export type Authentication =
  | { ok: true; secret: SecretRecord }
  | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked'; secret?: SecretRecord };

/**
 * Finds the secret a bearer token names. A malformed token is refused without a database read;
 * the stored hash is compared in constant time.
 */
export async function authenticateSecret(store: Store, token: string, now: Date): Promise<Authentication> {
  if (!isWellFormedSecret(token)) return { ok: false, reason: 'malformed' };
  const hash = hashSecret(token);
  const record = await store.findSecretByHash(hash);
  if (!record || !timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return { ok: false, reason: 'unknown' };
  const state = secretState(record, now);
  if (state !== 'active') return { ok: false, reason: state, secret: record };
  return { ok: true, secret: record };
}
