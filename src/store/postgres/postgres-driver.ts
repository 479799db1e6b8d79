import pg from 'pg';
import { unavailable } from '../../scim/errors.js';
import type { Row, SqlDriver, SqlExecutor } from '../sql/sql-driver.js';
import type { DatabaseStats } from '../store.js';
import { postgresDialect } from './postgres-dialect.js';
import { PostgresSecretListener } from './postgres-secret-listener.js';

export interface PostgresOptions {
  /** Most connections the pool opens. */
  maxConnections?: number;
  /** Longest a statement may run, in milliseconds. */
  statementTimeoutMs?: number;
}

/** A pool of connections; each transaction runs on one connection taken from it. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = postgresDialect;
  private readonly pool: pg.Pool;
  /** Statements sent, each a round trip (see DatabaseStats.statements). */
  private statementCount = 0;

  private readonly secretListener: PostgresSecretListener;

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
  }

  async all<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.statementCount++;
    return (await guard(this.pool.query(sql, params))).rows as T[];
  }

  async get<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    this.statementCount++;
    return (await guard(this.pool.query(sql, params))).rowCount ?? 0;
  }

  /**
   * Runs work in one transaction. A deadlock or serialization failure rolled everything back, so
   * the work is run again (a few times, after a short random pause) before the client sees a 503.
   */
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inTransaction(work);
      } catch (error) {
        if (!isConflict(error) || attempt >= CONFLICT_ATTEMPTS) return guard(Promise.reject(error));
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  readSnapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return guard(this.inTransaction(work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
  }

  private async inTransaction<T>(work: (tx: SqlExecutor) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    const query = (sql: string, params: unknown[] = []) => {
      this.statementCount++;
      return client.query(sql, params);
    };
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
      await query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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

  async close(): Promise<void> {
    await this.secretListener.close();
    await this.pool.end();
  }
}

/** SQLSTATE classes and socket errors that mean "the database cannot be reached right now". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300', '57014']);
/** Transaction conflicts (deadlock, serialization failure): nothing was written, retrying works. */
const CONFLICT_CODES = new Set(['40P01', '40001']);
const CONFLICT_ATTEMPTS = 4;

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
