import { openStore } from './open-store.js';
import type { SqlDriver } from './sql/sql-driver.js';

/**
 * A raw SQL connection to the database a `--db` value names, its schema migrated first: for
 * maintenance that must rewrite rows of several tables in one transaction (key rotation).
 */
export async function openSqlDriver(db: string): Promise<SqlDriver> {
  await (await openStore(db)).close();
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const { PostgresDriver } = await import('./postgres/postgres-driver.js');
    return new PostgresDriver(db, { maxConnections: 1 });
  }
  const { SqliteDriver } = await import('./sqlite/sqlite-driver.js');
  return new SqliteDriver(db.replace(/^sqlite:(\/\/)?/i, ''));
}
