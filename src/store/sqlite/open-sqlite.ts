import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { SqliteDriver, type SqliteOptions } from './sqlite-driver.js';
import { sqliteMigrations } from './sqlite-migrations.js';

export async function openSqliteStore(file: string, options: SqliteOptions = {}): Promise<Store> {
  return new SqlStore(new SqliteDriver(file, options), sqliteMigrations);
}
