import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { PostgresDriver, type PostgresOptions } from './postgres-driver.js';
import { postgresMigrations } from './postgres-migrations.js';

export async function openPostgresStore(connectionString: string, options: PostgresOptions = {}): Promise<Store> {
  return new SqlStore(new PostgresDriver(connectionString, options), postgresMigrations);
}
