import { openSqliteStore } from './sqlite/open-sqlite.js';
import type { Store } from './store.js';

/**
 * Opens the store a `--db` value names: a file path or `sqlite:path` for the embedded default,
 * `postgres://…` for PostgreSQL.
 */
export async function openStore(db: string, options: { migrate?: boolean } = {}): Promise<Store> {
  let store: Store;
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const { openPostgresStore } = await import('./postgres/open-postgres.js');
    store = await openPostgresStore(db);
  } else {
    const file = db.replace(/^sqlite:(\/\/)?/i, '');
    store = await openSqliteStore(file);
  }
  if (options.migrate !== false) await store.migrate();
  return store;
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
