import type { SecretRecord } from '../store.js';
import type { SqlExecutor } from './sql-driver.js';
import type { SqlParams } from './sql-params.js';

/** A `secrets` row as both databases return it. */
export interface SecretRow {
  id: string;
  directory_id: string | null;
  scope: string;
  name: string;
  hash: string;
  suffix: string;
  created: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  last_used_ua: string | null;
  first_used_at?: string | null;
  warned_days?: number | string | null;
  expiry_announced_at?: string | null;
  rejected_announced_at?: string | null;
  [key: string]: unknown;
}

export function secretFromRow(row: SecretRow): SecretRecord {
  return {
    id: row.id,
    directoryId: row.directory_id,
    scope: row.scope as SecretRecord['scope'],
    name: row.name,
    hash: row.hash,
    suffix: row.suffix,
    created: row.created,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    lastUsedUserAgent: row.last_used_ua,
    firstUsedAt: row.first_used_at ?? null,
    warnedDays: row.warned_days === null || row.warned_days === undefined ? null : Number(row.warned_days),
    expiryAnnouncedAt: row.expiry_announced_at ?? null,
    rejectedAnnouncedAt: row.rejected_announced_at ?? null,
  };
}

/** Inserts a secret, inside a transaction or on its own. */
export async function insertSecretRow(db: SqlExecutor, secret: SecretRecord): Promise<void> {
  await db.run(
    `INSERT INTO secrets (id, directory_id, scope, name, hash, suffix, created, expires_at, revoked_at, last_used_at, last_used_ip, last_used_ua)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      secret.id,
      secret.directoryId,
      secret.scope,
      secret.name,
      secret.hash,
      secret.suffix,
      secret.created,
      secret.expiresAt,
      secret.revokedAt,
      secret.lastUsedAt,
      secret.lastUsedIp,
      secret.lastUsedUserAgent,
    ],
  );
}

/**
 * SQL that is true when the secrets table still has `secret` as given in every column that
 * decides whom it lets in: the columns whose change notifies the replicas (migration 14's
 * trigger), so a read that finds it true knows what the listener's round trip would have told it.
 * Last-use bookkeeping does not change them.
 */
export function secretUnchangedSql(secret: SecretRecord, params: SqlParams): string {
  return `EXISTS (SELECT 1 FROM secrets s WHERE s.id = ${params.add(secret.id)} AND s.hash = ${params.add(secret.hash)} AND s.scope = ${params.add(secret.scope)}
    AND s.directory_id IS NOT DISTINCT FROM ${params.add(secret.directoryId)} AND s.expires_at IS NOT DISTINCT FROM ${params.add(secret.expiresAt)}
    AND s.revoked_at IS NOT DISTINCT FROM ${params.add(secret.revokedAt)})`;
}
