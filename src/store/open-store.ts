import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PostgresOptions } from './postgres/postgres-driver.js';
import type { SqliteOptions } from './sqlite/sqlite-driver.js';
import type { Store } from './store.js';

export interface OpenOptions {
  migrations?: MigrationPolicy;
  postgres?: PostgresOptions;
  sqlite?: SqliteOptions;
}

/**
 * What to do about schema migrations on open: apply pending ones (the default), require that
 * none are pending (`serve --no-migrate`), or leave them alone (`scimd migrate` itself).
 */
export type MigrationPolicy = 'apply' | 'require' | 'skip';

/**
 * Opens the store a `--db` value names: a file path or `sqlite:path` for the embedded default,
 * `postgres://…` for PostgreSQL.
 */
export async function openStore(db: string, options: OpenOptions = {}): Promise<Store> {
  // Each driver is loaded when a database of its kind is opened: a command that opens none (--help,
  // --url) loads neither, and SQLite users never load the PostgreSQL client.
  let store: Store;
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const { openPostgresStore } = await import('./postgres/open-postgres.js');
    store = await openPostgresStore(db, options.postgres);
  } else {
    const { openSqliteStore } = await import('./sqlite/open-sqlite.js');
    store = await openSqliteStore(sqliteFile(db), options.sqlite);
  }
  const policy = options.migrations ?? 'apply';
  if (policy === 'apply') {
    await store.migrate();
  } else if (policy === 'require') {
    const pending = await store.pendingMigrations();
    if (pending.length) {
      await store.close();
      throw new Error(`The database needs schema migrations ${pending.join(', ')}; run "scimd migrate" first`);
    }
  }
  return store;
}

/**
 * Refuses a SQLite database that does not exist yet. Only `scimd serve` and `scimd migrate` create
 * one: any other command on a mistyped --db or SCIMD_DB would otherwise create an empty database
 * and report on it ("nothing needs attention") instead of failing. A PostgreSQL database is
 * created by its administrator, and connecting to a missing one fails on its own.
 */
export function requireExistingDatabase(db: string): void {
  if (/^postgres(ql)?:\/\//i.test(db)) return;
  const file = sqliteFile(db);
  if (file === ':memory:' || existsSync(file)) return;
  throw new Error(`No database at ${resolve(file)} (from --db or SCIMD_DB); check the path, or create a new database with "scimd serve" or "scimd migrate --db ${db}"`);
}

/** The file a SQLite `--db` value names. */
export function sqliteFile(db: string): string {
  return db.replace(/^sqlite:(\/\/)?/i, '');
}

/** A short description of the database for start-up messages, without credentials. */
export function describeDatabase(db: string): string {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    try {
      const url = new URL(db);
      return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
    } catch {
      return 'PostgreSQL';
    }
  }
  return `SQLite ${db.replace(/^sqlite:(\/\/)?/i, '')}`;
}
