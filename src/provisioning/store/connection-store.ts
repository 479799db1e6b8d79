import type { ConnectionEventDraft } from '../../events/connection-events.js';
import type { AuditEntry } from '../../store/store.js';
import type { ConnectionRecord, CredentialState, Quarantine, TargetCredential, TargetProfile } from '../connections/connection.js';
import type { ObjectState, ObjectType } from '../planner/object-state.js';
import type { Store } from '../../store/store.js';
import type { CycleRecord, CycleStatus, CycleSummary, LogEntry } from '../../admin/api-views.js';

export type { CycleRecord, CycleStatus, CycleSummary, LogEntry } from '../../admin/api-views.js';

/** State changes written together, in one transaction, as a cycle goes. */
export interface StateBatch {
  upserts: ObjectState[];
  deletes: { type: ObjectType; key: string }[];
  membershipAdds: { group: string; member: string }[];
  membershipRemoves: { group: string; member: string }[];
  /** Memberships of users that were deleted on the target. */
  membershipRemovesOfMember: string[];
  log: LogEntry[];
}

/** One object a source remembers between cycles (see sources/source-cache.ts), with the hash of its content. */
export interface CachedSourceRecord {
  type: ObjectType;
  key: string;
  hash: string;
  record: unknown;
}

/** What a source remembers: its position (watermark, event sequence) and the records last read. */
export interface SourceCache {
  state: unknown;
  records: CachedSourceRecord[];
}

export interface SourceCacheChange {
  state: unknown;
  upserts: CachedSourceRecord[];
  deletes: { type: ObjectType; key: string }[];
}

export interface LogQuery {
  cycleId?: string;
  key?: string;
  result?: LogEntry['result'];
  action?: string;
  /** Only lines older than this `seq` (paging backwards from the newest). */
  before?: number;
  limit: number;
}

/**
 * Where connections and the engine's memory live: connection definitions, per-object state
 * (links to target ids and values last sent), group memberships sent, cycles and the
 * provisioning log. One SQL implementation serves SQLite and PostgreSQL.
 */
export interface ConnectionStore {
  /** Adds an entry to the server's audit log (the same table the admin Store writes). */
  appendAudit(entry: AuditEntry): Promise<void>;
  createConnection(connection: ConnectionRecord): Promise<void>;
  updateConnection(connection: ConnectionRecord): Promise<void>;
  /** By id, or by name case-insensitively. */
  findConnection(idOrName: string): Promise<ConnectionRecord | undefined>;
  listConnections(): Promise<ConnectionRecord[]>;
  /** Deletes a connection with its state, cycles and log; false when it did not exist. */
  deleteConnection(id: string): Promise<boolean>;
  /**
   * Quarantines the connection (or clears it with null); the rest of the record is untouched.
   * `event` (connection.quarantined or .recovered) is written to the outbox in the same transaction.
   */
  setQuarantine(connectionId: string, quarantine: Quarantine | null, event?: ConnectionEventDraft): Promise<void>;
  /** Writes a connection event (connection.stopped, .recovered) to the outbox's connections stream. */
  appendConnectionEvent(event: ConnectionEventDraft): Promise<void>;
  /** Releases (or re-arms) the deletion threshold for the next cycle. */
  setAllowDeletes(connectionId: string, allow: boolean): Promise<void>;
  setCredentialState(connectionId: string, state: CredentialState | null): Promise<void>;
  /** Stores what was learned of how the target treats groups (Test Connection, cycles); the rest of the record is untouched. */
  setTargetProfile(connectionId: string, profile: TargetProfile | null): Promise<void>;
  /**
   * Swaps the credential, its expiry and upkeep state in one statement (Update Credentials,
   * self-rotation). With `expected`, only if the stored credential is still that one (so a
   * rotation never overwrites a secret an admin set meanwhile); resolves to whether it changed.
   */
  replaceCredential(connectionId: string, credential: { kind: TargetCredential['kind']; encrypted: string; expiresAt: string | null; state: CredentialState | null; updated: string; expected?: string }): Promise<boolean>;
  /** The soonest time an object in escrow (failed, waiting to be retried) is due; null when none is. */
  nextEscrowRetry(connectionId: string): Promise<string | null>;

  /**
   * Takes the connection's cycle lease so one process at a time runs it. A lease that expired,
   * or whose owner `isDead`, is taken over.
   */
  acquireLease(connectionId: string, owner: string, until: string, now: string, isDead: (owner: string) => boolean): Promise<boolean>;
  renewLease(connectionId: string, owner: string, until: string): Promise<boolean>;
  releaseLease(connectionId: string, owner: string): Promise<void>;

  loadObjects(connectionId: string): Promise<ObjectState[]>;
  loadMemberships(connectionId: string): Promise<{ group: string; member: string }[]>;
  commit(connectionId: string, batch: StateBatch): Promise<void>;

  startCycle(cycle: CycleRecord): Promise<void>;
  finishCycle(id: string, status: CycleStatus, finishedAt: string, summary: CycleSummary | null, message: string | null): Promise<void>;
  /** Marks cycles still `running` as `interrupted` (their process died); resolves to how many. */
  interruptRunningCycles(connectionId: string): Promise<number>;
  listCycles(connectionId: string, limit: number): Promise<CycleRecord[]>;
  findCycle(id: string): Promise<CycleRecord | undefined>;
  readLog(connectionId: string, query: LogQuery): Promise<LogEntry[]>;

  /** What the connection's source remembered after its last read; state null before the first. */
  loadSourceCache(connectionId: string): Promise<SourceCache>;
  /** Saves a source's new position with the records that changed, in one transaction. */
  saveSourceCache(connectionId: string, change: SourceCacheChange): Promise<void>;
  /** The scimd Store of the same database, for `directory:` sources; it shares this store's connection, so it is never closed on its own. */
  directoryStore(): Store;
  close(): Promise<void>;
}
