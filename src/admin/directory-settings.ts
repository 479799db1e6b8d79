import { DEFAULT_SECRET_LIFETIME_MS } from '../auth/secrets.js';
import type { JsonObject } from '../scim/json.js';

/**
 * Per-directory policy, stored as a JSON document on the directory so new settings need no
 * migration. A key that is absent takes its default here, in this one place; the defaults follow
 * Apple Business Manager: two active secrets, a one-year lifetime.
 */
export interface DirectorySettings {
  /** Active secrets a directory may hold at once (rotation needs two). */
  maxActiveSecrets: number;
  /** Lifetime of a new secret in milliseconds; null never expires. */
  defaultSecretLifetimeMs: number | null;
  /** Whether the directory's client may rotate its own secret (POST /api/v1/self/secrets). */
  allowSelfRotation: boolean;
  /** Revoke older secrets this many hours after a newer one starts carrying traffic; null is off. */
  autoRevokeGraceHours: number | null;
}

export const DEFAULT_DIRECTORY_SETTINGS: DirectorySettings = {
  maxActiveSecrets: 2,
  defaultSecretLifetimeMs: DEFAULT_SECRET_LIFETIME_MS,
  allowSelfRotation: true,
  autoRevokeGraceHours: null,
};

/** The most active secrets a directory may be set to allow; more would defeat the limit. */
export const MAX_ACTIVE_SECRETS_LIMIT = 10;

/**
 * The settings in force: the stored document over the defaults, ignoring values of the wrong
 * type. `globalSecretLifetimeMs` is the server-wide default lifetime (`--secret-lifetime`), used
 * when the directory sets none; a stored `defaultSecretLifetimeMs: null` means "never expires".
 */
export function effectiveSettings(raw: JsonObject | undefined, globalSecretLifetimeMs: number | null = DEFAULT_SECRET_LIFETIME_MS): DirectorySettings {
  const stored = raw ?? {};
  const positive = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);
  const max = stored.maxActiveSecrets;
  return {
    maxActiveSecrets: Number.isInteger(max) && (max as number) > 0 ? (max as number) : DEFAULT_DIRECTORY_SETTINGS.maxActiveSecrets,
    defaultSecretLifetimeMs: stored.defaultSecretLifetimeMs === null ? null : (positive(stored.defaultSecretLifetimeMs) ?? globalSecretLifetimeMs),
    allowSelfRotation: typeof stored.allowSelfRotation === 'boolean' ? stored.allowSelfRotation : DEFAULT_DIRECTORY_SETTINGS.allowSelfRotation,
    autoRevokeGraceHours: positive(stored.autoRevokeGraceHours) ?? DEFAULT_DIRECTORY_SETTINGS.autoRevokeGraceHours,
  };
}
