import type { SecretRecord } from '../store.js';

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
