import { formatDuration } from '../auth/duration.js';
import { MAX_SECRET_LIFETIME_MS, readSecretLifetime } from '../auth/secret-lifetime.js';
import type { JsonObject } from '../scim/json.js';
import { invalidInput } from './admin-error.js';
import type { SettingsPatch, SettingsView } from './admin-views.js';
import { effectiveSettings, MAX_ACTIVE_SECRETS_LIMIT } from './directory-settings.js';

/** The longest grace period auto-revocation accepts: a year, past which it would never act. */
const MAX_GRACE_HOURS = 8760;

/** The settings in force, as the admin API and CLI show them. */
export function settingsView(raw: JsonObject, globalSecretLifetimeMs: number | null): SettingsView {
  const settings = effectiveSettings(raw, globalSecretLifetimeMs);
  return {
    maxActiveSecrets: settings.maxActiveSecrets,
    defaultSecretLifetime: formatDuration(settings.defaultSecretLifetimeMs),
    allowSelfRotation: settings.allowSelfRotation,
    autoRevokeGraceHours: settings.autoRevokeGraceHours,
  };
}

/**
 * The stored document after a change: each value is checked and written in its stored form, and
 * null removes the key so the default applies again. Throws 400 naming the first bad value.
 */
export function applySettingsPatch(raw: JsonObject, patch: SettingsPatch): JsonObject {
  const next: JsonObject = { ...raw };
  const set = (key: string, value: JsonObject[string] | null | undefined) => {
    if (value === undefined) return;
    if (value === null) delete next[key];
    else next[key] = value;
  };
  const max = patch.maxActiveSecrets;
  if (max !== undefined && max !== null && (!Number.isInteger(max) || max < 1 || max > MAX_ACTIVE_SECRETS_LIMIT)) {
    throw invalidInput(`maxActiveSecrets must be a whole number from 1 to ${MAX_ACTIVE_SECRETS_LIMIT}, not ${JSON.stringify(max)}`);
  }
  set('maxActiveSecrets', max);
  if (patch.defaultSecretLifetime === null) delete next.defaultSecretLifetimeMs;
  else if (patch.defaultSecretLifetime !== undefined) next.defaultSecretLifetimeMs = lifetimeSetting(patch.defaultSecretLifetime);
  set('allowSelfRotation', patch.allowSelfRotation);
  const grace = patch.autoRevokeGraceHours;
  if (grace !== undefined && grace !== null && (!Number.isFinite(grace) || grace <= 0 || grace > MAX_GRACE_HOURS)) {
    throw invalidInput(`autoRevokeGraceHours must be a number of hours above 0 and at most ${MAX_GRACE_HOURS}, or null for off; not ${JSON.stringify(grace)}`);
  }
  set('autoRevokeGraceHours', grace);
  return next;
}

/** The longest finite lifetime: past it an expiry would not be a date the database can order. */
export const MAX_LIFETIME_MS = MAX_SECRET_LIFETIME_MS;

/** `defaultSecretLifetime: "never"` is stored as an explicit null, distinct from "not set". */
function lifetimeSetting(text: string): number | null {
  return parseLifetime(text, 'defaultSecretLifetime');
}

/** Parses a lifetime given for one secret (`expiresIn`), with the same rule as the CLI's `--expires-in`. */
export function parseLifetime(text: string, label = 'expiresIn'): number | null {
  const ms = readSecretLifetime(text, label);
  if (ms instanceof Error) throw invalidInput(ms.message);
  return ms;
}
