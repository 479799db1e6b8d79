import { statSync } from 'node:fs';
import { prepareOwnerOnlyDatabase, tightenDatabaseFiles } from './owner-only-files.js';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { foldCase } from '../../scim/compare.js';
import { unavailable } from '../../scim/errors.js';
import { Mutex, type Row, type SqlDriver, type SqlExecutor } from '../sql/sql-driver.js';
import type { DatabaseStats } from '../store.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { type SyncFile, WalSync } from './wal-sync.js';

export interface SqliteOptions {
  /**
   * FULL: every acknowledged write is on disk; the write-ahead log is synced before a write is
   * acknowledged or readable, one sync shared by the commits that arrive together (group commit).
   * NORMAL: the log is synced only at checkpoints; a power loss may lose the last writes.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How the log is flushed in FULL mode; fdatasync on the thread pool unless a test says otherwise. */
  syncFile?: SyncFile;
  /** Longest a resource query may run, in ms (0: no limit); see `deadlineCondition` in the dialect. */
  statementTimeoutMs?: number;
}

/**
 * better-sqlite3 runs statements synchronously on one connection. The store's transactions are
 * async, so a mutex keeps any other statement from running on the connection while one is open.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = sqliteDialect;
  private readonly db: Database.Database;
  private readonly mutex = new Mutex();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly direct: SqlExecutor;
  /** Group commit in FULL mode; absent in NORMAL mode and for in-memory databases. */
  private readonly walSync: WalSync | undefined;
  /** Statements run on the connection (see DatabaseStats.statements). */
  private statementCount = 0;
  /** When the statement running now must stop (ms since the epoch); set as each one starts. */
  private deadline = Infinity;
  /** Longest a resource query may run (0: no limit). */
  private readonly timeoutMs: number;

  constructor(
    private readonly file: string,
    options: SqliteOptions = {},
  ) {
    this.db = openDatabaseFile(file);
    const journal = this.db.pragma('journal_mode = WAL', { simple: true });
    const fullDurability = (options.synchronous ?? 'FULL') === 'FULL';
    // In WAL mode, FULL durability comes from WalSync, so SQLite never blocks the event loop on
    // fsync. A file system that refuses WAL leaves a rollback journal, and SQLite's own FULL.
    const durable = fullDurability && journal === 'wal';
    this.db.pragma(`synchronous = ${fullDurability && !durable ? 'FULL' : 'NORMAL'}`);
    this.walSync = durable ? new WalSync(`${file}-wal`, options.syncFile) : undefined;
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.function('scim_fold', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? foldCase(value) : value,
    );
    // better-sqlite3 has no progress handler: resource queries call this as they read rows (one
    // in 64, see the dialect), and it ends a statement past its deadline. A synchronous statement
    // holds the event loop, so this bounds how long one query can stall every other request.
    const timeoutMs = (this.timeoutMs = options.statementTimeoutMs ?? 30_000);
    this.db.function('scimd_within_deadline', { deterministic: false }, () => {
      if (Date.now() > this.deadline) throw unavailable(`The query ran longer than ${timeoutMs} ms and was stopped; narrow the filter, or retry later`);
      return 1;
    });
    this.direct = {
      all: async <T extends Row>(sql: string, params: unknown[] = []) => this.allNow<T>(sql, params),
      get: async <T extends Row>(sql: string, params: unknown[] = []) => this.getNow<T>(sql, params),
      arrays: async (sql: string, params: unknown[] = []) => (this.startStatement(), this.statement(sql, true).all(bind(params)) as unknown[][]),
      run: async (sql: string, params: unknown[] = []) => (this.startStatement(), this.statement(sql).run(bind(params)).changes),
    };
  }

  // A read outside a transaction is one synchronous call: when no write is waiting for its sync
  // and no one holds the connection, it runs at once, without the mutex's promises and the
  // microtask turns they cost (two or three statements per GET).
  async all<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.walSync?.pending) await this.walSync.waitDurable();
    if (this.mutex.free) return this.allNow<T>(sql, params);
    return this.mutex.run(() => this.allNow<T>(sql, params));
  }

  async get<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    if (this.walSync?.pending) await this.walSync.waitDurable();
    if (this.mutex.free) return this.getNow<T>(sql, params);
    return this.mutex.run(() => this.getNow<T>(sql, params));
  }

  private allNow<T extends Row>(sql: string, params: unknown[]): T[] {
    this.startStatement();
    return this.statement(sql).all(bind(params)) as T[];
  }

  private startStatement(): void {
    this.deadline = this.timeoutMs > 0 ? Date.now() + this.timeoutMs : Infinity;
  }

  private getNow<T extends Row>(sql: string, params: unknown[]): T | undefined {
    this.startStatement();
    return this.statement(sql).get(bind(params)) as T | undefined;
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    const { changes, ticket } = await this.mutex.run(async () => {
      const changes = await this.direct.run(sql, params);
      return { changes, ticket: this.walSync?.noteCommit() };
    });
    await this.walSync?.waitDurable(ticket);
    return changes;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // A writer may read earlier commits before they are on disk: it is acknowledged only after its
    // own sync, which covers them.
    const { result, ticket } = await this.mutex.run(async () => {
      // IMMEDIATE takes the write lock up front, so two processes on one file never deadlock.
      this.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.direct);
        this.exec('COMMIT');
        return { result, ticket: this.walSync?.noteCommit() };
      } catch (error) {
        if (this.db.inTransaction) this.exec('ROLLBACK');
        throw error;
      }
    });
    // The connection is free again while the log is synced, so the next writers commit meanwhile
    // and share the next sync.
    await this.walSync?.waitDurable(ticket);
    return result;
  }

  async readSnapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await this.committedWritesDurable();
    return this.mutex.run(async () => {
      // A deferred transaction reads one WAL snapshot, even while another process writes the file.
      this.exec('BEGIN');
      try {
        return await work(this.direct);
      } finally {
        if (this.db.inTransaction) this.exec('COMMIT');
      }
    });
  }

  withMigrationLock<T>(work: () => Promise<T>): Promise<T> {
    // Migrations run in one IMMEDIATE transaction each, which already excludes other writers.
    return work();
  }

  /**
   * `data_version` moves when another connection (another process) commits to the file, and
   * `total_changes()` when this connection writes: together they change on any write by anyone.
   */
  async secretChangeToken(): Promise<string | undefined> {
    const read = () => {
      const row = this.statement('SELECT (SELECT data_version FROM pragma_data_version()) AS version, total_changes() AS changes').get() as { version: number; changes: number };
      return (this.lastSecretChangeToken = `${row.version}:${row.changes}`);
    };
    // Read on every authenticated request: at once when the connection is free, as reads are.
    return this.mutex.free ? read() : this.mutex.run(read);
  }

  /**
   * The token `secretChangeToken()` read last: a guess, since a write by anyone may have moved it
   * since. A read that goes on it checks its secret in its own statement (SecretProbe), which
   * spares it the change check's read transaction of its own.
   */
  heardSecretChangeToken(): string | undefined {
    return this.lastSecretChangeToken;
  }

  private lastSecretChangeToken: string | undefined;

  /** Sizes from the file system, so a scrape never waits for the connection's mutex. */
  async stats(): Promise<DatabaseStats> {
    const { commits, syncs } = this.walSync?.counts() ?? { commits: 0, syncs: 0 };
    return { kind: 'sqlite', statements: this.statementCount, fileBytes: fileSize(this.file), walBytes: fileSize(`${this.file}-wal`), commits, walSyncs: syncs };
  }

  async close(): Promise<void> {
    await this.walSync?.waitDurable();
    await this.mutex.run(() => {
      this.db.close();
      this.walSync?.close();
    });
  }

  /**
   * No one reads a write before it is on disk, as with PostgreSQL: otherwise a webhook or the
   * event feed could hand out a change that a power loss then takes back.
   */
  private async committedWritesDurable(): Promise<void> {
    if (this.walSync?.pending) await this.walSync.waitDurable();
  }

  /** Transaction control, counted like any other statement. */
  private exec(sql: string): void {
    this.statementCount++;
    this.db.exec(sql);
  }

  /**
   * Prepared statements are cached; filters make many shapes, so the cache is bounded. A statement
   * giving rows as arrays (`raw`) is cached apart, since that mode belongs to the statement.
   */
  private statement(sql: string, raw = false): Database.Statement {
    this.statementCount++;
    const key = raw ? `raw\0${sql}` : sql;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (raw) statement.raw(true);
      if (this.statements.size >= 500) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(key, statement);
    }
    return statement;
  }
}

/** `$1`-style parameters are named parameters to SQLite, bound from an object. */
function bind(params: unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  params.forEach((value, i) => {
    named[i + 1] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  });
  return named;
}

/** A file's size in bytes; 0 when it does not exist (`:memory:`, or no WAL yet). */
function fileSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

/** Opens (or creates) the database file; a failure names the file, which SQLite's own message does not. */
function openDatabaseFile(file: string): Database.Database {
  try {
    prepareOwnerOnlyDatabase(file);
    const db = new Database(file);
    // A -wal or -shm left by an older install keeps its mode until tightened here.
    tightenDatabaseFiles(file);
    return db;
  } catch (error) {
    throw new Error(`Cannot open the SQLite database ${resolve(file)}: ${(error as Error).message}`);
  }
}
