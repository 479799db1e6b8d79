import type { DirectoryEvent, EventDraft } from '../events/event-types.js';
import type { Filter } from '../scim/filter/ast.js';
import type { JsonObject } from '../scim/json.js';
import type { MemberChange } from '../scim/patch/apply-patch.js';
import type { EntityTagCondition } from '../scim/resource/etag.js';
import type { MemberRef } from '../scim/resource/members.js';
import type { StoredResource } from '../scim/resource/representation.js';
import type { ResourceTypeName } from '../scim/schema/resource-models.js';
import type { ResolvedAttribute } from '../scim/schema/resolve.js';

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
}

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
}

export interface QueryResult {
  total: number;
  resources: StoredResource[];
  /** The position of the last row returned, when more rows follow it. */
  next?: PagePosition;
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
  /** A random key created with the database, shared by every process that uses it. */
  serverKey(): Promise<Buffer>;

  createDirectory(directory: Directory): Promise<Directory>;
  listDirectories(): Promise<Directory[]>;
  /** Finds a directory by id, or by name case-insensitively. */
  findDirectory(idOrName: string): Promise<Directory | undefined>;

  insertSecret(secret: SecretRecord): Promise<void>;
  findSecretByHash(hash: string): Promise<SecretRecord | undefined>;
  findSecret(id: string): Promise<SecretRecord | undefined>;
  listSecrets(directoryId: string | null): Promise<SecretRecord[]>;
  /** Marks a secret revoked; false when it does not exist or was already revoked. */
  revokeSecret(id: string, at: string): Promise<boolean>;
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
  getResource(directoryId: string, type: ResourceTypeName, id: string, includeMembership: boolean): Promise<StoredResource | undefined>;
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

  /** Appends events (secret, directory and auth events) to a directory's outbox in their own transaction. */
  recordEvents(directoryId: string, drafts: EventDraft[], now: string): Promise<void>;
  /** Events of a directory with a sequence above `after`, in order. */
  readEvents(directoryId: string, after: number, limit: number): Promise<DirectoryEvent[]>;
  /** The sequence of the directory's latest event (0 before the first). */
  lastSequence(directoryId: string): Promise<number>;
  /** Deletes events that occurred before a time; resolves to how many were deleted. */
  purgeEvents(before: string): Promise<number>;
}
