import type { JsonObject } from '../../scim/json.js';
import type { ConnectionHealth } from './connection-views.js';
import type { RecipientView } from './event-views.js';

/** Directories, their secrets and settings, status, the audit log and the console session, as the admin API shows them. */

export interface SettingsView {
  maxActiveSecrets: number;
  /** `365d`, `90d`, `12h` or `never`. */
  defaultSecretLifetime: string;
  allowSelfRotation: boolean;
  /** Hours after a newer secret starts carrying traffic that older ones are revoked; null is off. */
  autoRevokeGraceHours: number | null;
}

/** What a settings change may say; null puts a setting back to its default. */
export interface SettingsPatch {
  maxActiveSecrets?: number | null;
  defaultSecretLifetime?: string | null;
  allowSelfRotation?: boolean | null;
  autoRevokeGraceHours?: number | null;
}

export interface DirectoryInfo {
  id: string;
  name: string;
  created: string;
  settings: SettingsView;
}

/** A directory as clients see it: with the SCIM base URL its identity provider calls. */
export interface DirectoryView extends DirectoryInfo {
  scimUrl: string;
}

/** `directory show`: a directory with what it holds. */
export interface DirectoryDetails extends DirectoryView {
  users: number;
  groups: number;
  activeSecrets: number;
}

/** `expiring`: active, but inside the warning window (60 days by default). */
export type SecretListState = 'active' | 'expiring' | 'expired' | 'revoked';

export interface SecretView {
  id: string;
  name: string;
  /** The secret's last characters, to recognise it. */
  suffix: string;
  /** Null for admin secrets. */
  directoryId: string | null;
  created: string;
  expiresAt: string | null;
  revokedAt: string | null;
  firstUsedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  state: SecretListState;
  /** Whole days until expiry, rounded up; null when it never expires, is expired or revoked. */
  daysLeft: number | null;
}

/** A secret just created: the only time its text is shown. */
export interface CreatedSecret extends SecretView {
  secret: string;
}

/** A directory's health, worst first: the order `scimd status` sorts by. */
export const HEALTH_ORDER = ['rejecting', 'no_active_secret', 'expiring', 'idle', 'not_connected', 'healthy'] as const;
export type DirectoryHealth = (typeof HEALTH_ORDER)[number];

/** What the server recorded of a directory's SCIM traffic. */
export interface DirectoryTraffic {
  firstRequestAt: string | null;
  lastRequestAt: string | null;
  lastClientIp: string | null;
  lastUserAgent: string | null;
  requestCount: number;
  errorCount: number;
  rejectedCount: number;
  lastRejectedAt: string | null;
  lastRejectedSecretId: string | null;
  lastRejectedReason: string | null;
}

/** A directory's recorded traffic with its health judged. */
export interface DirectoryStatus extends DirectoryTraffic {
  id: string;
  name: string;
  health: DirectoryHealth;
  /** One sentence an admin can act on. */
  summary: string;
  /** Whether this needs an admin now: `scimd status` exits 2 when any directory does. */
  attention: boolean;
  /** Apple's "active": the directory has seen an authenticated request. */
  connected: boolean;
  /** The soonest expiry among active secrets. */
  nextExpiry: string | null;
  secrets: SecretView[];
}

export interface StatusReport {
  generatedAt: string;
  /** Days before expiry at which a secret counts as expiring (the largest warning threshold). */
  warningWindowDays: number;
  idleHours: number;
  attention: boolean;
  directories: DirectoryStatus[];
  /** Admin secrets that are not revoked; an expiring one needs attention too. */
  adminSecrets: SecretView[];
  /** The provisioning connections' health, worst first (the admin API adds it; local status reads it itself). */
  connections?: ConnectionHealth[];
  /** Notification recipients whose channel fails: scimd's messages do not reach them (needs attention). */
  failingNotifications?: RecipientView[];
  /** Expired or revoked admin secrets still being presented: whatever sends one has stopped working (needs attention). */
  rejectedAdminSecrets: RejectedAdminSecret[];
}

/**
 * An expired or revoked admin secret refused within the idle period. Refusals are recorded at
 * most hourly per secret (each one announced as `auth.rejected`), so `lastRejectedAt` may be up
 * to an hour older than the latest attempt.
 */
export interface RejectedAdminSecret {
  id: string;
  name: string;
  suffix: string;
  reason: 'expired' | 'revoked';
  /** When it expired or was revoked. */
  since: string | null;
  lastRejectedAt: string;
  /** Where it was presented from then, as the `auth.rejected` event recorded it; null when that event is gone. */
  clientIp: string | null;
  userAgent: string | null;
  /** `admin_api` (a bearer token: the CLI's --url, scripts, /metrics), `console_sign_in` or `console_session`. */
  via: string | null;
}

/** What an audit entry can be about; the store's column and the OpenAPI enum both come from here. */
export const AUDIT_TARGET_TYPES = ['directory', 'secret', 'admin_secret', 'webhook', 'connection'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** One administrative action: who did what to which target, when and from where. */
export interface AuditEntry {
  id: string;
  at: string;
  /** The admin secret's id, the directory secret's id (self-rotation), `cli:<os user>` or `system:…`. */
  actor: string;
  actorIp: string | null;
  /** What was done, such as `directory.created` or `secret.revoked`. */
  action: string;
  targetType: AuditTargetType;
  targetId: string;
  /**
   * The target as people know it when the entry was written: a directory's name, a secret's name
   * and last four, a connection's name, a webhook's receiver host. Kept so a deleted target is
   * still named; null in entries written before scimd recorded it (the admin service then names
   * what it can).
   */
  targetName: string | null;
  directoryId: string | null;
  detail: JsonObject;
}

/** An audit entry as listed: the actor named too when it is a secret (the admin secret a person used). */
export interface AuditEntryView extends AuditEntry {
  /** The acting secret's name and last four; null for `cli:<user>`, `system:…` and secrets gone with their directory. */
  actorName: string | null;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

/** What the console knows about its session; the CSRF token goes only to a page that can read this answer. */
export interface SessionView {
  adminSecret: { id: string; name: string; suffix: string };
  csrfToken: string;
  signedInAt: string;
  /** When the session ends if it stays idle (moves forward with use). */
  idleExpiresAt: string;
  /** When the session ends however busy it is. */
  expiresAt: string;
  idleTimeoutSeconds: number;
}
