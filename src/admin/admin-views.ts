import type { RecipientView } from '../notifications/notification-views.js';
import type { ConnectionHealth } from '../provisioning/connections/connection-health.js';
import type { AuditEntry, ConnectionStatus } from '../store/store.js';

/**
 * The JSON shapes of administration, shared by the admin API, its OpenAPI document, the remote
 * CLI and the local CLI, so all of them print the same thing. None ever holds a secret's hash.
 */

/** Who performs an action: an admin secret's id, a directory secret's id (self-rotation), `cli:<os user>`. */
export interface Actor {
  id: string;
  ip: string | null;
}

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

/** A directory's recorded connection figures (ConnectionStatus) with its health judged. */
export interface DirectoryStatus extends Omit<ConnectionStatus, 'directoryId'> {
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
