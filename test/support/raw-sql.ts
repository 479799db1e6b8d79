import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Runs one statement on a test database outside the Store, for state the Store has no method
 * to set (yet), such as a directory's settings document. `$1` placeholders on both backends.
 */
export async function runSql(databaseUrl: string, sql: string, params: unknown[] = []): Promise<void> {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(databaseUrl);
  try {
    // better-sqlite3 accepts `$1` as a named parameter called "1", as the store's driver binds it.
    db.prepare(sql).run(Object.fromEntries(params.map((value, i) => [i + 1, value])));
  } finally {
    db.close();
  }
}

/** Reads rows from a test database outside the Store (`$1` placeholders on both backends). */
export async function querySql<T = Record<string, unknown>>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(databaseUrl, { readonly: true });
  try {
    return db.prepare(sql).all(Object.fromEntries(params.map((value, i) => [i + 1, value]))) as T[];
  } finally {
    db.close();
  }
}
