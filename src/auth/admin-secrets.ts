import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretRecord, Store } from '../store/store.js';
import { hashSecret, isWellFormedSecret } from './secret-format.js';
import { authenticateSecret, secretState } from './secrets.js';
import { isSlowHash, slowHash, verifySlowHash } from './slow-hash.js';

/** Shortest admin secret accepted that is not a scimd_ secret (one set through SCIMD_ADMIN_SECRET). */
const MIN_CUSTOM_LENGTH = 32;

export type AdminAuthentication =
  | { ok: true; secret: SecretRecord }
  /** `directory_secret`: a valid directory client secret, which opens no admin route (403, not 401). */
  | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'directory_secret'; secret?: SecretRecord };

/**
 * Operator-chosen admin secrets already verified by this process, by a SHA-256 of the presented
 * value, so a busy admin API pays scrypt once per secret rather than once per request. It only
 * names the record: its state is read from the database on every use, so a revocation (on any
 * replica) takes effect at once, and the entry is dropped then.
 */
export class VerifiedAdminSecrets {
  private readonly ids = new Map<string, string>();

  constructor(private readonly capacity = 64) {}

  idOf(token: string): string | undefined {
    return this.ids.get(fingerprint(token));
  }

  remember(token: string, id: string): void {
    if (this.ids.size >= this.capacity) this.ids.delete(this.ids.keys().next().value!);
    this.ids.set(fingerprint(token), id);
  }

  forget(token: string): void {
    this.ids.delete(fingerprint(token));
  }
}

const fingerprint = (token: string) => createHash('sha256').update(token).digest('base64');

/**
 * Finds the admin secret a bearer token names. Besides scimd_ secrets (256 random bits, kept as
 * SHA-256 like client secrets) it accepts the longer free-form values an operator may set as
 * SCIMD_ADMIN_SECRET, kept as salted scrypt hashes; anything shorter is refused without a
 * database read. A free-form secret still stored as SHA-256 (before scrypt) is accepted and
 * re-hashed on that use.
 */
export async function authenticateAdminSecret(store: Store, token: string, now: Date, verified = new VerifiedAdminSecrets()): Promise<AdminAuthentication> {
  let result: AdminAuthentication;
  if (isWellFormedSecret(token)) {
    result = await authenticateSecret(store, token, now);
  } else if (token.length >= MIN_CUSTOM_LENGTH) {
    const record = await findOperatorSecret(store, token, now, verified);
    if (!record) return { ok: false, reason: 'unknown' };
    const state = secretState(record, now);
    if (state !== 'active') verified.forget(token);
    result = state === 'active' ? { ok: true, secret: record } : { ok: false, reason: state, secret: record };
  } else {
    return { ok: false, reason: 'malformed' };
  }
  if (result.ok && result.secret.scope !== 'admin') return { ok: false, reason: 'directory_secret', secret: result.secret };
  return result;
}

/** The record of a free-form admin secret: from the cache, a legacy SHA-256 row, or by trying each scrypt hash. */
export async function findOperatorSecret(store: Store, token: string, now: Date, verified = new VerifiedAdminSecrets()): Promise<SecretRecord | undefined> {
  const knownId = verified.idOf(token);
  if (knownId) {
    const record = await store.findSecret(knownId);
    if (record) return record;
    verified.forget(token);
  }
  const hash = hashSecret(token);
  const legacy = await store.findSecretByHash(hash);
  if (legacy && timingSafeEqual(Buffer.from(legacy.hash, 'hex'), Buffer.from(hash, 'hex'))) {
    if (secretState(legacy, now) === 'active') await store.replaceSecretHash(legacy.id, legacy.hash, await slowHash(token));
    verified.remember(token, legacy.id);
    return (await store.findSecret(legacy.id)) ?? legacy;
  }
  for (const candidate of await store.listSecrets(null)) {
    if (isSlowHash(candidate.hash) && (await verifySlowHash(token, candidate.hash))) {
      verified.remember(token, candidate.id);
      return candidate;
    }
  }
  return undefined;
}
