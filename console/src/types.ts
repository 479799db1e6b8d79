/** The admin API's JSON shapes the console reads (see /api/v1/openapi.json). */

export type SecretState = 'active' | 'expiring' | 'expired' | 'revoked';
export type Health = 'rejecting' | 'no_active_secret' | 'expiring' | 'idle' | 'not_connected' | 'healthy';

export interface Secret {
  id: string;
  name: string;
  suffix: string;
  directoryId: string | null;
  created: string;
  expiresAt: string | null;
  revokedAt: string | null;
  firstUsedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  state: SecretState;
  daysLeft: number | null;
}

export interface CreatedSecret extends Secret {
  secret: string;
}

export interface DirectoryStatus {
  id: string;
  name: string;
  health: Health;
  summary: string;
  attention: boolean;
  connected: boolean;
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
  nextExpiry: string | null;
  secrets: Secret[];
}

export interface StatusReport {
  generatedAt: string;
  warningWindowDays: number;
  idleHours: number;
  attention: boolean;
  directories: DirectoryStatus[];
  adminSecrets: Secret[];
  /** Notification recipients whose channel fails: scimd's messages do not reach them. */
  failingNotifications?: FailingNotification[];
}

export interface FailingNotification {
  id: string;
  channel: 'email' | 'slack' | 'teams';
  recipient: string;
  state: 'failing' | 'paused';
  failingSince: string | null;
  lastError: string | null;
}

export interface Settings {
  maxActiveSecrets: number;
  defaultSecretLifetime: string;
  allowSelfRotation: boolean;
  autoRevokeGraceHours: number | null;
}

export interface DirectoryDetails {
  id: string;
  name: string;
  created: string;
  settings: Settings;
  scimUrl: string;
  users: number;
  groups: number;
  activeSecrets: number;
}

export interface Session {
  adminSecret: { id: string; name: string; suffix: string };
  csrfToken: string;
  signedInAt: string;
  idleExpiresAt: string;
  expiresAt: string;
  idleTimeoutSeconds: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  /** The acting secret's name and last four; null for cli: and system: actors. */
  actorName: string | null;
  actorIp: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** The target's name when the entry was written (a directory, a secret and its last four, a webhook's host); null when an old entry kept none. */
  targetName: string | null;
  directoryId: string | null;
  detail: Record<string, unknown>;
}

export interface ListResponse<T> {
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  Resources: T[];
}

export interface ScimUser {
  id: string;
  userName: string;
  displayName?: string;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  active?: boolean;
  emails?: { value: string; primary?: boolean }[];
  externalId?: string;
  meta?: { created?: string; lastModified?: string };
  [key: string]: unknown;
}

export interface ScimGroup {
  id: string;
  displayName: string;
  externalId?: string;
  meta?: { created?: string; lastModified?: string };
  [key: string]: unknown;
}

export interface DirectoryEvent {
  id: string;
  directoryId: string;
  sequence: number;
  occurredAt: string;
  type: string;
  subject: { type: string; id: string; version?: number };
  data: Record<string, unknown>;
}

/** A notification recipient as GET /notifications lists it: a chat URL arrives masked, never whole. */
export interface NotificationRecipient {
  id: string;
  channel: 'email' | 'slack' | 'teams';
  recipient: string;
  /** null: every directory and the admin secrets. */
  directoryId: string | null;
  created: string;
  state: 'ok' | 'failing' | 'paused';
  failingSince: string | null;
  lastError: string | null;
  /** Its newest delivery attempt, whatever the others sent since; null before the first. */
  lastDelivery?: NotificationDelivery | null;
}

/** One attempt to reach a recipient (the notification delivery log). */
export interface NotificationDelivery {
  id: string;
  webhookId: string;
  recipient?: string;
  eventType: string;
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  outcome: string;
  kind: string;
}
