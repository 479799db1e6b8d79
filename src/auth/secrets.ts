import { timingSafeEqual } from 'node:crypto';
import type { SecretRecord, SecretScope, Store } from '../store/store.js';
import { generateSecret, hashSecret, isWellFormedSecret, randomId, secretSuffix } from './secret-format.js';
import type { VerifiedSecretCache } from './verified-secret-cache.js';

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
  const created = newSecret(input);
  await store.insertSecret(created.record);
  return created;
}

/**
 * A fresh secret and the record to store for it, without storing it: for callers that insert it
 * inside their own transaction (src/admin). `secret` is the text to show once; pass `text` to
 * register a secret chosen elsewhere (SCIMD_ADMIN_SECRET).
 */
export function newSecret(input: NewSecret, text: string = generateSecret()): { record: SecretRecord; secret: string } {
  const secret = text;
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
 * the stored hash is compared in constant time. With a `cache`, a secret verified before is
 * trusted until the database signals a change to any secret.
 */
export async function authenticateSecret(store: Store, token: string, now: Date, cache?: VerifiedSecretCache): Promise<Authentication> {
  if (!isWellFormedSecret(token)) return { ok: false, reason: 'malformed' };
  const hash = hashSecret(token);
  return verdict(cache ? await cache.findByHash(hash) : await store.findSecretByHash(hash), hash, now);
}

/**
 * An active secret accepted from the cache before the database confirmed that nothing changed
 * (VerifiedSecretCache.lookAhead). `recheck()` asks the database and settles to undefined when
 * the acceptance stands, otherwise to the authentication of a fresh read, which may refuse.
 */
export interface AheadAuthentication {
  secret: SecretRecord;
  recheck(): Promise<Authentication | undefined>;
}

/**
 * authenticateSecret for work that writes nothing and holds its answer until `recheck` settles;
 * undefined when the cache cannot answer ahead (then use authenticateSecret). A cached secret
 * that would be refused (expired since) is never answered ahead: the refusal takes the usual path.
 */
export function authenticateAhead(token: string, now: Date, cache: VerifiedSecretCache): AheadAuthentication | undefined {
  if (!isWellFormedSecret(token)) return undefined;
  const hash = hashSecret(token);
  const ahead = cache.lookAhead(hash);
  if (!ahead) return undefined;
  const first = verdict(ahead.record, hash, now);
  if (!first.ok) return undefined;
  return { secret: first.secret, recheck: () => ahead.recheck().then((fresh) => fresh && verdict(fresh.record, hash, now)) };
}

function verdict(record: SecretRecord | undefined, hash: string, now: Date): Authentication {
  if (!record || !timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return { ok: false, reason: 'unknown' };
  return stateVerdict(record, now);
}

/**
 * Whether the secret an access token names still opens its directory. The token's signature
 * vouches that scimd issued it for this id; the secret's own state decides the rest, so
 * revoking or expiring the secret ends its tokens too.
 */
export function tokenSecretVerdict(record: SecretRecord | undefined, now: Date): Authentication {
  return record ? stateVerdict(record, now) : { ok: false, reason: 'unknown' };
}

function stateVerdict(record: SecretRecord, now: Date): Authentication {
  const state = secretState(record, now);
  if (state !== 'active') return { ok: false, reason: state, secret: record };
  return { ok: true, secret: record };
}
