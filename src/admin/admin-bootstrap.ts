import { hashSecret, isWellFormedSecret, randomId } from '../auth/secret-format.js';
import { findOperatorSecret } from '../auth/admin-secrets.js';
import { newSecret, secretState } from '../auth/secrets.js';
import { slowHash } from '../auth/slow-hash.js';
import { invalidValue } from '../scim/errors.js';
import type { AdminTransaction, SecretRecord, Store } from '../store/store.js';
import { secretTargetName } from './audit-target-name.js';

/** Set in the `settings` table when the first admin secret was handed out, so it happens once per database. */
const BOOTSTRAP_MARKER = 'admin_bootstrap_at';
/** Shortest SCIMD_ADMIN_SECRET accepted when it is not a scimd_ secret: about 190 bits of base64. */
export const MIN_ADMIN_SECRET_LENGTH = 32;

export type AdminSecretSetup =
  /** A new admin secret to print once (first start, no SCIMD_ADMIN_SECRET). */
  | { kind: 'created'; id: string; secret: string; expiresAt: string | null }
  /** SCIMD_ADMIN_SECRET is registered (now or before) and active. */
  | { kind: 'from-environment'; id: string }
  /** SCIMD_ADMIN_SECRET names a secret that was revoked or has expired: it is not reinstated. */
  | { kind: 'environment-inactive'; id: string; state: 'expired' | 'revoked' }
  /** The database has had admin secrets before: nothing to do. */
  | { kind: 'none' };

export interface AdminSecretOptions {
  /** The value of SCIMD_ADMIN_SECRET, if set. */
  environmentSecret?: string;
  /** Whether a first start may create and print an admin secret (off with --no-bootstrap). */
  bootstrap: boolean;
  now: Date;
  /** Lifetime of a bootstrap secret (ms; null never). */
  lifetimeMs: number | null;
}

/**
 * How `scimd serve` makes sure someone can use the admin API: it registers SCIMD_ADMIN_SECRET
 * (only its hash is stored), or, on a database that never had an admin secret, creates one to
 * print once. The marker makes that once per database even when replicas start together.
 */
export async function setUpAdminSecret(store: Store, options: AdminSecretOptions): Promise<AdminSecretSetup> {
  const text = options.environmentSecret;
  if (text !== undefined && text !== '') return registerEnvironmentSecret(store, text, options.now);
  if (!options.bootstrap) return { kind: 'none' };
  const created = newSecret({ directoryId: null, scope: 'admin', name: 'bootstrap admin secret', lifetimeMs: options.lifetimeMs, now: options.now });
  const claimed = await store.administer(async (tx) => {
    if ((await tx.listSecrets(null)).length) return false;
    if (!(await tx.claimMarker(BOOTSTRAP_MARKER, options.now.toISOString()))) return false;
    await insertWithAudit(tx, created.record, 'system:bootstrap');
    return true;
  });
  return claimed ? { kind: 'created', id: created.record.id, secret: created.secret, expiresAt: created.record.expiresAt } : { kind: 'none' };
}

async function registerEnvironmentSecret(store: Store, text: string, now: Date): Promise<AdminSecretSetup> {
  if (!isWellFormedSecret(text) && (text.length < MIN_ADMIN_SECRET_LENGTH || /\s/.test(text))) {
    throw invalidValue(`SCIMD_ADMIN_SECRET must be a scimd_ secret or at least ${MIN_ADMIN_SECRET_LENGTH} characters without spaces`);
  }
  const chosen = !isWellFormedSecret(text);
  // A value the operator chose may be guessable: it is kept as a salted scrypt hash (see admin-secrets.ts).
  const existing = chosen ? await findOperatorSecret(store, text, now) : await store.findSecretByHash(hashSecret(text));
  if (existing) return describeExisting(existing, now);
  // Never expires: the operator manages it through the environment, where no warning would reach them.
  const created = newSecret({ directoryId: null, scope: 'admin', name: 'SCIMD_ADMIN_SECRET', lifetimeMs: null, now }, text);
  if (chosen) created.record.hash = await slowHash(text);
  try {
    await store.administer(async (tx) => {
      await tx.claimMarker(BOOTSTRAP_MARKER, now.toISOString());
      await insertWithAudit(tx, created.record, 'system:SCIMD_ADMIN_SECRET');
    });
  } catch (error) {
    // Another replica registered the same secret first (unique hash): use its record.
    const raced = chosen ? await findOperatorSecret(store, text, now) : await store.findSecretByHash(created.record.hash);
    if (!raced) throw error;
    return describeExisting(raced, now);
  }
  return { kind: 'from-environment', id: created.record.id };
}

function describeExisting(secret: SecretRecord, now: Date): AdminSecretSetup {
  if (secret.scope !== 'admin') throw invalidValue('SCIMD_ADMIN_SECRET is a directory client secret; give the admin API a secret of its own');
  const state = secretState(secret, now);
  return state === 'active' ? { kind: 'from-environment', id: secret.id } : { kind: 'environment-inactive', id: secret.id, state };
}

async function insertWithAudit(tx: AdminTransaction, record: SecretRecord, actor: string): Promise<void> {
  await tx.insertSecret(record);
  await tx.appendAudit({
    id: randomId('aud'),
    at: record.created,
    actor,
    actorIp: null,
    action: 'admin_secret.created',
    targetType: 'admin_secret',
    targetId: record.id,
    targetName: secretTargetName(record),
    directoryId: null,
    detail: { name: record.name, suffix: record.suffix, expiresAt: record.expiresAt, via: actor === 'system:bootstrap' ? 'bootstrap' : 'environment' },
  });
}
