import pg from 'pg';
import { unavailable } from '../../scim/errors.js';
import type { Row, SqlDriver, SqlExecutor } from '../sql/sql-driver.js';
import type { DatabaseStats } from '../store.js';
import { postgresDialect } from './postgres-dialect.js';
import { PostgresSecretListener } from './postgres-secret-listener.js';
import { PreparedStatements } from './prepared-statements.js';
import { DIRECTORY_VACUUM_MS, DirectoryVacuum } from './directory-vacuum.js';
import { MAY_MAINTAIN } from './statistics-keeper.js';
import { isFixedStatement } from '../sql/fixed-statements.js';

export interface PostgresOptions {
  /** Most connections the pool opens. */
  maxConnections?: number;
  /** Longest a statement may run, in milliseconds. */
  statementTimeoutMs?: number;
  /** Most often the directories table is vacuumed while writes go on, in milliseconds; 0: never (see DirectoryVacuum). */
  directoryVacuumMs?: number;
}

/** A pool of connections; each transaction runs on one connection taken from it. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = postgresDialect;
  private readonly pool: pg.Pool;
  /** Statements sent, each a round trip (see DatabaseStats.statements). */
  private statementCount = 0;

  private readonly secretListener: PostgresSecretListener;
  /** Each pooled connection's statement names. */
  private readonly prepared = new WeakMap<pg.PoolClient, PreparedStatements>();
  private readonly directoryVacuum: DirectoryVacuum;
  /** Whether this role may vacuum `directories`; read before the first VACUUM. */
  private mayVacuumDirectories: boolean | undefined;
  private readonly writeListeners: (() => void)[] = [];

  constructor(connectionString: string, options: PostgresOptions = {}) {
    this.secretListener = new PostgresSecretListener(connectionString);
    this.pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection that the server drops must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    this.directoryVacuum = new DirectoryVacuum(options.directoryVacuumMs ?? DIRECTORY_VACUUM_MS, () => this.vacuumDirectories());
  }

  directoryRowWritten(): void {
    this.directoryVacuum.written();
    for (const listener of this.writeListeners) listener();
  }

  afterDirectoryRowWritten(listener: () => void): void {
    this.writeListeners.push(listener);
  }

  /**
   * Maintenance off the request path, so not counted in `statements`. SKIP_LOCKED: a VACUUM
   * already running (autovacuum's, another replica's) or a migration's lock is not waited for.
   * A role that may not vacuum the table is found out once and never tries again: PostgreSQL
   * would log a warning for every attempt.
   */
  private async vacuumDirectories(): Promise<void> {
    if (this.mayVacuumDirectories === false) return;
    const client = await this.checkout();
    let failure: unknown;
    try {
      this.mayVacuumDirectories ??= (await client.query<{ may: boolean }>(`SELECT ${MAY_MAINTAIN} AS may FROM pg_class c WHERE c.oid = 'directories'::regclass`)).rows[0]?.may === true;
      if (this.mayVacuumDirectories) await client.query('VACUUM (SKIP_LOCKED) directories');
    } catch (error) {
      failure = error;
    } finally {
      this.release(client, failure);
    }
  }

  async all<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.autocommit(sql, params)).rows as T[];
  }

  async get<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.autocommit(sql, params)).rowCount ?? 0;
  }

  /** One statement as its own transaction (atomic by itself, so a conflict is retried like a transaction). */
  private autocommit(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    return retryConflicts(async () => {
      const client = await this.checkout();
      let failure: unknown;
      try {
        return await this.send(client, sql, params);
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        this.release(client, failure);
      }
    });
  }

  /**
   * Runs work in one transaction. A deadlock or serialization failure rolled everything back, so
   * the work is run again (a few times, after a short random pause) before the client sees a 503.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return retryConflicts(() => this.inTransaction(work));
  }

  readSnapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return guard(this.inTransaction(work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
  }

  private async inTransaction<T>(work: (tx: SqlExecutor) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.checkout();
    const query = (sql: string, params: unknown[] = []) => this.send(client, sql, params);
    let failure: unknown;
    const tx: SqlExecutor = {
      all: async <R extends Row>(sql: string, params: unknown[] = []) => (await query(sql, params)).rows as R[],
      get: async <R extends Row>(sql: string, params: unknown[] = []) => (await query(sql, params)).rows[0] as R | undefined,
      run: async (sql: string, params: unknown[] = []) => (await query(sql, params)).rowCount ?? 0,
    };
    try {
      await query(begin);
      const result = await work(tx);
      await query('COMMIT');
      return result;
    } catch (error) {
      failure = error;
      await query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.release(client, failure);
    }
  }

  /**
   * A connection from the pool. pg emits 'error' on a connection whose socket fails even while a
   * query on it gets the same error; unheard, that event would end the process, so each
   * connection gets a listener once (the failed query reports the error, and the pool drops the
   * broken connection when it is released).
   */
  private async checkout(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    if (!this.prepared.has(client)) {
      client.on('error', () => undefined);
      this.prepared.set(client, new PreparedStatements());
    }
    return client;
  }

  /**
   * Sends one statement on `client`. A fixed text (see fixedStatement) runs under a name of the
   * connection's (see PreparedStatements), so PostgreSQL parses it once per connection; any other
   * goes unnamed and is planned for the values bound.
   */
  private send(client: pg.PoolClient, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    this.statementCount++;
    if (params.length === 0 || !isFixedStatement(sql)) return client.query(sql, params);
    const prepared = this.prepared.get(client)!;
    return client.query({ name: prepared.nameFor(sql), text: sql, values: params });
  }

  /**
   * Hands a connection back to the pool, first deallocating the statement names it dropped. A
   * connection whose prepared plans no longer fit the tables (a migration by another replica
   * changed a column a statement returns) is closed rather than reused.
   */
  private release(client: pg.PoolClient, failure?: unknown): void {
    if (isStalePlan(failure)) {
      this.prepared.delete(client);
      client.release(true);
      return;
    }
    const dropped = this.prepared.get(client)?.takeDropped() ?? [];
    if (dropped.length === 0) {
      client.release();
      return;
    }
    this.statementCount++;
    // Off the request's path: the connection returns to the pool once the server has forgotten them.
    client.query(dropped.map((name) => `DEALLOCATE ${name}`).join('; ')).then(
      () => {
        forgetParsed(client, dropped);
        client.release();
      },
      (error: Error) => client.release(error),
    );
  }

  /** A session-level advisory lock, so replicas that start together migrate one at a time. */
  async withMigrationLock<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtext('scimd:migrations'))");
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('scimd:migrations'))").catch(() => undefined);
      client.release();
    }
  }

  async stats(): Promise<DatabaseStats> {
    return {
      kind: 'postgres',
      // A request that waits for a listener sync is charged one round trip, shared or not.
      statements: this.statementCount + this.secretListener.roundTrips,
      totalConnections: this.pool.totalCount,
      idleConnections: this.pool.idleCount,
      waitingClients: this.pool.waitingCount,
      maxConnections: this.pool.options.max ?? 10,
    };
  }

  /** From LISTEN/NOTIFY on a connection of its own, synced by a shared round trip there. */
  secretChangeToken(): Promise<string | undefined> {
    return this.secretListener.synced();
  }

  /** The listener's generation as heard, before the round trip that would confirm it. */
  heardSecretChangeToken(): string | undefined {
    return this.secretListener.heard();
  }

  async close(): Promise<void> {
    await this.directoryVacuum.close();
    await this.secretListener.close();
    await this.pool.end();
  }
}

/** SQLSTATE classes and socket errors that mean "the database cannot be reached right now". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300', '57014']);
/** Transaction conflicts (deadlock, serialization failure): nothing was written, retrying works. */
const CONFLICT_CODES = new Set(['40P01', '40001']);
const CONFLICT_ATTEMPTS = 4;

/** Runs `work` again (a few times, after a short random pause) while it fails with a conflict. */
async function retryConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(isConflict(error) || isStalePlan(error)) || attempt >= CONFLICT_ATTEMPTS) return guard(Promise.reject(error));
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** "cached plan must not change result type": a prepared statement outlived a change to its table. */
function isStalePlan(error: unknown): boolean {
  return String((error as { code?: unknown } | null)?.code ?? '') === '0A000' && /cached plan/.test(error instanceof Error ? error.message : '');
}

/** Removes deallocated names from pg's record of what the connection has parsed (kept bounded too). */
function forgetParsed(client: pg.PoolClient, names: string[]): void {
  const connection = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection;
  for (const name of names) delete connection?.parsedStatements?.[name];
}

function isConflict(error: unknown): boolean {
  return CONFLICT_CODES.has(String((error as { code?: unknown } | null)?.code ?? ''));
}

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = String((error as { code?: unknown }).code ?? '');
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

/**
 * Turns connection failures into 503 so clients retry; the pool opens fresh connections on the
 * next request, so service resumes by itself when the database is back.
 */
async function guard<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUnavailable(error)) throw unavailable('The database is busy or unreachable; retry shortly');
    if (isConflict(error)) throw unavailable('A concurrent change conflicted with this one; retry it');
    throw error;
  }
}
