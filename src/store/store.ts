import type { DirectoryEvent, EventDraft } from '../events/event-types.js';
import type { Filter } from '../scim/filter/ast.js';
import type { JsonObject } from '../scim/json.js';
import type { MemberChange } from '../scim/patch/apply-patch.js';
import type { EntityTagCondition } from '../scim/resource/etag.js';
import type { MemberRef } from '../scim/resource/members.js';
import type { StoredResource } from '../scim/resource/representation.js';
import type { ResourceTypeName } from '../scim/schema/resource-models.js';
import type { ResolvedAttribute } from '../scim/schema/resolve.js';
import type { WebhookStore } from './webhook-store.js';
import type { AuditEntry, DirectoryTraffic } from '../admin/api-views.js';

/** A tenant: its own users, groups and client secrets behind the one tenant URL. */
export interface Directory {
  id: string;
  name: string;
  created: string;
}

export type SecretScope = 'scim' | 'admin';

/** A client secret as stored: only its SHA-256 hash, never the secret itself. */
export interface SecretRecord {
  id: string;
  /** The directory the secret opens; null for admin secrets. */
  directoryId: string | null;
  scope: SecretScope;
  name: string;
  hash: string;
  /** The last characters of the secret, so an admin can recognise it. */
  suffix: string;
  created: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  /** When the secret first authenticated a request (rotation detection); lifecycle bookkeeping below is filled when read from the store. */
  firstUsedAt?: string | null;
  /** The nearest expiry warning announced, in days before expiry. */
  warnedDays?: number | null;
  /** When `secret.expired` was announced. */
  expiryAnnouncedAt?: string | null;
  /** When `auth.rejected` was last announced for this secret. */
  rejectedAnnouncedAt?: string | null;
}

/** Figures about the database connection for /metrics: the PostgreSQL pool, or the SQLite files' sizes. */
export type DatabaseStats = {
  /**
   * Statements this process sent to the database, transaction control (BEGIN, COMMIT) included:
   * on PostgreSQL each one is a round trip, so per-request counts show what a request costs.
   * Maintenance off the request path (PostgreSQL's VACUUM of the directories table) is not counted.
   */
  statements: number;
} & (
  | { kind: 'postgres'; totalConnections: number; idleConnections: number; waitingClients: number; maxConnections: number }
  | {
      kind: 'sqlite';
      fileBytes: number;
      walBytes: number;
      /** Write transactions committed by this process, and the log syncs that made them durable. */
      commits: number;
      walSyncs: number;
    }
);

/** Where a page ended, for keyset (cursor) pagination: the sort key and the row's position. */
export interface PagePosition {
  key: string | number | boolean | null;
  pk: number;
}

export interface ResourceQuery {
  filter?: Filter;
  sortBy?: ResolvedAttribute;
  sortOrder: 'ascending' | 'descending';
  /** Index paging: rows to skip. Ignored when `after` is set. */
  offset: number;
  /** Page size; 0 counts without reading rows. */
  count: number;
  /** Keyset paging: return rows after this position. */
  after?: PagePosition;
  includeMembership: boolean;
  /** Whether to count all matches (skipped for cursor pages when the caller does not need it). */
  withTotal: boolean;
  /**
   * Whether to read the directory's latest event sequence in the same snapshot as the page, so a
   * consumer can list and then follow the event feed from that sequence (see docs/events.md).
   */
  withSequence?: boolean;
  /** The request's secret, for the page's statement to check where it can (see SecretProbe). */
  secretProbe?: SecretProbe;
}

/**
 * The secret a read's request was accepted on before the database confirmed it (a cached secret,
 * see VerifiedSecretCache.lookAhead), for the read's own statement to check: it sets `unchanged`
 * to whether the secrets table still has that secret as cached, in the read's snapshot, which is
 * taken after the request arrived and so holds every change committed before it. When that is
 * so, the request needs no other confirmation (no round trip on PostgreSQL's secret listener, no
 * read of SQLite's data_version). Left unset by a read that found no row.
 */
export interface SecretProbe {
  readonly secret: SecretRecord;
  unchanged?: boolean;
}

/**
 * A query across resource types. The filter is read per type, an attribute a type does not define
 * having no value there; `sortBy` is resolved per type (absent: that type's resources sort as
 * having no value). Without `sortBy`, Users come first, then Groups, each in creation order.
 */
export interface AllTypesQuery {
  filter?: Filter;
  sortBy?: Partial<Record<ResourceTypeName, ResolvedAttribute>>;
  sortOrder: 'ascending' | 'descending';
  offset: number;
  count: number;
  /** The types whose page entries need their membership (members of groups, groups of users). */
  includeMembership: ResourceTypeName[];
}

export interface QueryResult {
  total: number;
  resources: StoredResource[];
  /** The position of the last row returned, when more rows follow it. */
  next?: PagePosition;
  /** With `withSequence`: the latest event sequence the page reflects. */
  sequence?: number;
}

export interface WriteOptions {
  now: string;
  ifMatch?: EntityTagCondition;
}

export interface NewResource {
  id: string;
  data: JsonObject;
  members?: MemberRef[];
}

export interface PatchResult {
  resource: StoredResource;
  changed: boolean;
}

/**
 * Everything scimd keeps, behind one interface with a SQLite and a PostgreSQL implementation of
 * the same shape. Every method that writes does so in one transaction; resource methods are
 * scoped to one directory so no call can reach another directory's data.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  /** Applies pending schema migrations; resolves to the versions it applied. */
  migrate(): Promise<number[]>;
  /** Schema versions this build defines that the database has not applied yet. */
  pendingMigrations(): Promise<number[]>;
  close(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Connection-pool or file-size figures, read without touching a table (for /metrics). */
  stats(): Promise<DatabaseStats>;

  createDirectory(directory: Directory): Promise<Directory>;
  listDirectories(): Promise<Directory[]>;
  /** Finds a directory by id, or by name case-insensitively. */
  findDirectory(idOrName: string): Promise<Directory | undefined>;

  insertSecret(secret: SecretRecord): Promise<void>;
  findSecretByHash(hash: string): Promise<SecretRecord | undefined>;
  /**
   * A token that changes whenever any secret may have changed, here or on another replica;
   * undefined when the database cannot tell right now. A secret read while the token was T may
   * be trusted as long as the token is still T (src/auth/verified-secret-cache.ts).
   */
  secretChangeToken(): Promise<string | undefined>;
  /**
   * `secretChangeToken()` as this process last heard it, without a round trip; it may lag a change
   * committed elsewhere, so work started on it waits for `secretChangeToken()` before it counts.
   * Undefined when there is nothing to go on (SQLite: its check costs no round trip).
   */
  heardSecretChangeToken(): string | undefined;
  findSecret(id: string): Promise<SecretRecord | undefined>;
  listSecrets(directoryId: string | null): Promise<SecretRecord[]>;
  /** Marks a secret revoked; false when it does not exist or was already revoked. */
  revokeSecret(id: string, at: string): Promise<boolean>;
  /** Replaces a secret's stored hash if it is still `from` (an old SHA-256 upgraded to scrypt); false otherwise. */
  replaceSecretHash(id: string, from: string, to: string): Promise<boolean>;
  recordSecretUse(id: string, at: string, ip: string | null, userAgent: string | null): Promise<void>;

  createResource(directoryId: string, type: ResourceTypeName, resource: NewResource, options: WriteOptions): Promise<StoredResource>;
  /**
   * Bulk load (`scimd import`): inserts many new resources in one transaction. One whose id or name
   * is already taken is skipped, not an error, so a load can be re-run; resolves to the ids inserted.
   * Members must exist already, in the database or earlier in `resources`.
   */
  insertResources(directoryId: string, type: ResourceTypeName, resources: NewResource[], options: WriteOptions): Promise<string[]>;
  /** Refreshes the query planner's statistics after a bulk load, so later queries pick the right indexes. */
  analyze(): Promise<void>;
  /** With a `probe`, the read also checks the request's secret where it can (see SecretProbe). */
  getResource(directoryId: string, type: ResourceTypeName, id: string, includeMembership: boolean, probe?: SecretProbe): Promise<StoredResource | undefined>;
  /** PUT: replaces the document, and the members when the type has them. */
  replaceResource(directoryId: string, type: ResourceTypeName, id: string, input: { data: JsonObject; members?: MemberRef[] }, options: WriteOptions): Promise<StoredResource>;
  /**
   * PATCH: runs `change` on the current state inside the transaction and writes its outcome, so
   * concurrent patches never lose each other's changes. The version moves only when something changed.
   */
  patchResource(
    directoryId: string,
    type: ResourceTypeName,
    id: string,
    change: (current: StoredResource) => { data: JsonObject; memberChanges: MemberChange[] },
    options: WriteOptions,
  ): Promise<PatchResult>;
  deleteResource(directoryId: string, type: ResourceTypeName, id: string, options: WriteOptions): Promise<void>;
  queryResources(directoryId: string, type: ResourceTypeName, query: ResourceQuery): Promise<QueryResult>;
  /** A search of every resource type at once (POST /.search at the server root): Users and Groups in one ordered page. */
  queryAllTypes(directoryId: string, query: AllTypesQuery): Promise<QueryResult>;

  /** Appends events (secret, directory and auth events) to a directory's outbox in their own transaction. */
  recordEvents(directoryId: string, drafts: EventDraft[], now: string): Promise<void>;
  /** Events of a directory with a sequence above `after`, in order. */
  readEvents(directoryId: string, after: number, limit: number): Promise<DirectoryEvent[]>;
  /** The sequence of the directory's latest event (0 before the first). */
  lastSequence(directoryId: string): Promise<number>;
  /** Deletes events that occurred before a time; resolves to how many were deleted. */
  purgeEvents(before: string): Promise<number>;
  /** Webhook endpoints, their delivery streams and the delivery log (src/webhooks). */
  readonly webhooks: WebhookStore;

  // ---- secret lifecycle and connection health (src/lifecycle) ----------------------------

  /**
   * Adds one process's buffered request activity: counters are added (`count = count + n`) in one
   * transaction so replicas add up, and last-request and last-use fields only move forward.
   */
  recordActivity(batch: ActivityBatch): Promise<void>;
  /** Sets the directory's first request time once; the first caller across replicas wins and appends `events`. */
  markDirectoryConnected(directoryId: string, at: string, events: EventDraft[]): Promise<boolean>;
  /**
   * Records a lifecycle milestone of a secret with a conditional UPDATE, so exactly one replica
   * wins; the winner appends `events` to the secret's directory (an admin secret's to the admin stream) in the same transaction.
   */
  claimSecretMilestone(secretId: string, milestone: SecretMilestone, events: EventDraft[], now: string): Promise<boolean>;
  /** Directories whose last request is at or before `cutoff` and whose quiet spell has not been announced. */
  quietDirectories(cutoff: string): Promise<{ id: string; lastRequestAt: string }[]>;
  /**
   * Marks a directory's quiet spell (since `lastRequestAt`) announced, once across replicas; the
   * winner appends `events` in the same transaction. A request after it starts a new spell.
   */
  claimQuietDirectory(directoryId: string, lastRequestAt: string, events: EventDraft[], now: string): Promise<boolean>;
  /** Active secrets expiring before `horizon` whose expiry has not been announced yet. */
  secretsNearingExpiry(horizon: string): Promise<SecretRecord[]>;
  /** What the directory's traffic looks like, for status pages; undefined when there is no such directory. */
  connectionStatus(directoryId: string): Promise<ConnectionStatus | undefined>;
  /** Directories whose raw settings document sets `key` to a value other than null (see src/admin/directory-settings.ts). */
  directoriesWithSetting(key: string): Promise<{ id: string; settings: JsonObject }[]>;

  // ---- administration (src/admin) -------------------------------------------------------

  /** A directory with its settings document, by id or by name case-insensitively. */
  findDirectoryRecord(idOrName: string): Promise<DirectoryRecord | undefined>;
  listDirectoryRecords(): Promise<DirectoryRecord[]>;
  /**
   * Runs one administrative change in one transaction: checks made on rows it has locked still
   * hold when it commits, and its events and audit entry are written with it or not at all.
   */
  administer<T>(work: (tx: AdminTransaction) => Promise<T>): Promise<T>;
  /** Audit entries, newest first. */
  readAudit(query: AuditQuery): Promise<AuditEntry[]>;

  // ---- console sessions (src/http/console) -----------------------------------------------

  /** Records a signed-out console session until it would have expired anyway, and forgets older sign-outs. */
  revokeAdminSession(sessionId: string, revokedAt: string, expiresAt: string): Promise<void>;
  /** Whether a console session has been signed out. */
  isAdminSessionRevoked(sessionId: string): Promise<boolean>;
}

/** Request activity one process saw since its last flush. */
export interface ActivityBatch {
  directories: DirectoryActivity[];
  secrets: SecretUse[];
}

export interface DirectoryActivity {
  directoryId: string;
  /** Authenticated requests, and those of them answered with a status of 400 or more. */
  requests: number;
  errors: number;
  /** Requests refused because their secret had expired or was revoked. */
  rejected: number;
  lastRequest?: { at: string; ip: string | null; userAgent: string | null };
  lastRejection?: { at: string; secretId: string; reason: 'expired' | 'revoked' };
}

export interface SecretUse {
  secretId: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
}

/** A directory's connection health as recorded: Apple's "active" is `firstRequestAt` being set. */
export interface ConnectionStatus extends DirectoryTraffic {
  directoryId: string;
}

/** A once-only (or once-per-period) step in a secret's life; see `Store.claimSecretMilestone`. */
export type SecretMilestone =
  /** First authenticated request: sets `first_used_at` if unset. */
  | { kind: 'first_used'; at: string }
  /** Expiry warning: moves `warned_days` down to `days`, never up, while the secret is active. */
  | { kind: 'warned'; days: number }
  /** Expiry: sets `expiry_announced_at` once, unless the secret was revoked first. */
  | { kind: 'expired'; at: string }
  /** Rejected use: sets `rejected_announced_at` unless it was set after `previousBefore`. */
  | { kind: 'rejection_announced'; at: string; previousBefore: string };

// ---- administration (src/admin) ---------------------------------------------------------

/** A directory with its policy document (see src/admin/directory-settings.ts). */
export interface DirectoryRecord extends Directory {
  settings: JsonObject;
}

/**
 * The statements an administrative change is made of, all in one transaction (`Store.administer`).
 * Callers lock a secret before its directory, the order the lifecycle's writers use, so
 * concurrent changes queue instead of deadlocking.
 */
export interface AdminTransaction {
  /** Reads a directory by id and locks its row until commit, so concurrent changes to it queue. */
  lockDirectory(id: string): Promise<DirectoryRecord | undefined>;
  /** Reads a secret by id and locks its row until commit. */
  lockSecret(id: string): Promise<SecretRecord | undefined>;
  /** A directory's secrets (null: the admin secrets) as committed when the statement runs. */
  listSecrets(directoryId: string | null): Promise<SecretRecord[]>;
  /** Fails with 409 when the name is taken. */
  insertDirectory(directory: DirectoryRecord): Promise<void>;
  /** Renames and/or replaces the settings document; fails with 409 when the new name is taken. */
  updateDirectory(id: string, change: { name?: string; settings?: JsonObject }): Promise<void>;
  /** Deletes a directory with its resources, secrets and webhooks; its events and audit entries stay. */
  deleteDirectory(id: string): Promise<void>;
  insertSecret(secret: SecretRecord): Promise<void>;
  /** Sets `revoked_at`; false when the secret was revoked already. */
  revokeSecret(id: string, at: string): Promise<boolean>;
  appendEvents(directoryId: string, drafts: EventDraft[], now: string): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Records a server-wide marker once; true for the one caller, across processes, that set it. */
  claimMarker(key: string, value: string): Promise<boolean>;
}

// What an audit entry can be about, and the entry itself: admin API views (api-views.ts).
export { AUDIT_TARGET_TYPES } from '../admin/api-views.js';
export type { AuditEntry, AuditTargetType } from '../admin/api-views.js';

export interface AuditQuery {
  /** Only entries about this directory. */
  directoryId?: string;
  limit: number;
  /** Entries older than the entry with this id (the previous page's last entry). */
  before?: string;
}
