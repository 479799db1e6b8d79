import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { PostgresDriver } from './postgres-driver.js';
import { postgresMigrations } from './postgres-migrations.js';

export async function openPostgresStore(connectionString: string): Promise<Store> {
  return new SqlStore(new PostgresDriver(connectionString), postgresMigrations);
}
