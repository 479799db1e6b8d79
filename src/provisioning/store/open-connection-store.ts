import { openStore } from '../../store/open-store.js';
import type { SqlDriver } from '../../store/sql/sql-driver.js';
import type { ConnectionStore } from './connection-store.js';
import { SqlConnectionStore } from './sql-connection-store.js';

/**
 * Opens the connection store on the database a `--db` value names. The schema is the main
 * store's (migrated through it first); the connection store keeps its own connection, since the
 * engine's writes are its own and the Store interface stays free of provisioning.
 */
export async function openConnectionStore(db: string): Promise<ConnectionStore> {
  const store = await openStore(db);
  await store.close();
  let driver: SqlDriver;
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const { PostgresDriver } = await import('../../store/postgres/postgres-driver.js');
    driver = new PostgresDriver(db, { maxConnections: 4 });
  } else {
    const { SqliteDriver } = await import('../../store/sqlite/sqlite-driver.js');
    driver = new SqliteDriver(db.replace(/^sqlite:(\/\/)?/i, ''));
  }
  return new SqlConnectionStore(driver);
}
