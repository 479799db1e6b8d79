import type { DatabaseStats } from '../store.js';
import type { SqlDialect } from './sql-dialect.js';

export type Row = Record<string, unknown>;

/** Runs statements; inside a transaction, on the transaction's connection. */
export interface SqlExecutor {
  all<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /**
   * The rows as arrays of column values, in the SELECT's order, where a driver gives those more
   * cheaply than objects (better-sqlite3 sets each property of a row object from C++); absent
   * elsewhere. For hot reads of many rows.
   */
  arrays?(sql: string, params?: unknown[]): Promise<unknown[][]>;
}

/** A database connection (or pool) as the generic SQL store sees it. */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs reads that must agree with each other in one snapshot (a list page and the event
   * sequence it reflects): REPEATABLE READ READ ONLY on PostgreSQL, a deferred transaction on SQLite.
   */
  readSnapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `work` while holding the lock that keeps concurrent migrations apart. */
  withMigrationLock<T>(work: () => Promise<T>): Promise<T>;
  /**
   * A token that changes whenever a secret may have been created, revoked, re-dated or deleted,
   * by this process or any other; undefined when the database cannot tell right now (then
   * nothing may be cached). See VerifiedSecretCache.
   */
  secretChangeToken(): Promise<string | undefined>;
  /**
   * The token as this process knows it now, without asking the database: it can lag a change
   * committed elsewhere, so it is only a guess that `secretChangeToken()` (or a read's own check
   * of its secret, SecretProbe) must confirm. Undefined when the driver has no such guess.
   */
  heardSecretChangeToken(): string | undefined;
  /**
   * A write updated a directory's row (its event sequence). PostgreSQL vacuums the directories
   * table soon after (see DirectoryVacuum); SQLite has nothing to do.
   */
  directoryRowWritten?(): void;
  /** Tells `listener` after every directoryRowWritten (PostgreSQL; its statistics keeper listens). */
  afterDirectoryRowWritten?(listener: () => void): void;
  /** Pool or file figures for /metrics. */
  stats(): Promise<DatabaseStats>;
  close(): Promise<void>;
}

/** One async lock: the next holder starts when the previous one finishes, in arrival order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  /** Holders running or waiting. */
  private queued = 0;

  run<T>(work: () => Promise<T> | T): Promise<T> {
    this.queued++;
    const result = this.tail.then(work);
    this.tail = result.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    return result;
  }

  /** True when no one holds the lock or waits for it: synchronous work may run at once, as if it had taken it. */
  get free(): boolean {
    return this.queued === 0;
  }
}
