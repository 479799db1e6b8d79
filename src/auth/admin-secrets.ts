import { timingSafeEqual } from 'node:crypto';
import type { SecretRecord, Store } from '../store/store.js';
import { hashSecret, isWellFormedSecret } from './secret-format.js';
import { authenticateSecret, secretState } from './secrets.js';

/** Shortest admin secret accepted that is not a scimd_ secret (one set through SCIMD_ADMIN_SECRET). */
const MIN_CUSTOM_LENGTH = 32;

export type AdminAuthentication =
  | { ok: true; secret: SecretRecord }
  /** `directory_secret`: a valid directory client secret, which opens no admin route (403, not 401). */
  | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'directory_secret'; secret?: SecretRecord };

/**
 * Finds the admin secret a bearer token names. Besides scimd_ secrets it accepts the longer
 * free-form values an operator may set as SCIMD_ADMIN_SECRET; anything shorter is refused without
 * a database read. Hashes are compared in constant time.
 */
export async function authenticateAdminSecret(store: Store, token: string, now: Date): Promise<AdminAuthentication> {
  let result: AdminAuthentication;
  if (isWellFormedSecret(token)) {
    result = await authenticateSecret(store, token, now);
  } else if (token.length >= MIN_CUSTOM_LENGTH) {
    const hash = hashSecret(token);
    const record = await store.findSecretByHash(hash);
    if (!record || !timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return { ok: false, reason: 'unknown' };
    const state = secretState(record, now);
    result = state === 'active' ? { ok: true, secret: record } : { ok: false, reason: state, secret: record };
  } else {
    return { ok: false, reason: 'malformed' };
  }
  if (result.ok && result.secret.scope !== 'admin') return { ok: false, reason: 'directory_secret', secret: result.secret };
  return result;
}
