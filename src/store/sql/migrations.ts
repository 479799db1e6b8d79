import type { SqlDriver } from './sql-driver.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies the migrations a database has not seen, each in its own transaction, under the
 * driver's migration lock so replicas starting together apply each one exactly once.
 */
export async function applyMigrations(driver: SqlDriver, migrations: Migration[], now: () => string): Promise<number[]> {
  return driver.withMigrationLock(async () => {
    await driver.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const rows = await driver.all<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await driver.transaction(async (tx) => {
        // Checked again inside the transaction: another process may have applied it meanwhile.
        if (await tx.get('SELECT 1 AS applied FROM schema_migrations WHERE version = $1', [migration.version])) return;
        for (const statement of splitStatements(migration.sql)) await tx.run(statement);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          now(),
        ]);
      });
      done.push(migration.version);
    }
    return done;
  });
}

/** Pending migration versions, for `scimd migrate --status` and `--no-migrate` checks. */
export async function pendingMigrations(driver: SqlDriver, migrations: Migration[]): Promise<Migration[]> {
  try {
    const rows = await driver.all<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    return migrations.filter((m) => !applied.has(m.version));
  } catch {
    return migrations;
  }
}

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s !== '');
}
