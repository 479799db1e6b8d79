import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type OpenOptions } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export type Backend = 'sqlite' | 'postgres';

const KNOWN_BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

/**
 * A SCIMD_TEST_BACKENDS value as a list of backends. A name it does not know is an error, not a
 * filter: `sqllite` must not quietly run nothing and pass.
 */
export function parseBackends(value: string): Backend[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !KNOWN_BACKENDS.includes(name as Backend));
  if (unknown.length) throw new Error(`SCIMD_TEST_BACKENDS names unknown backend(s) ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known: ${KNOWN_BACKENDS.join(', ')}`);
  return [...new Set(names as Backend[])];
}

/** Every server test runs on both backends; SCIMD_TEST_BACKENDS narrows it for local work. */
export const BACKENDS: Backend[] = parseBackends(process.env.SCIMD_TEST_BACKENDS ?? 'sqlite,postgres');

export const POSTGRES_ADMIN_URL = process.env.SCIMD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where the test PostgreSQL listens, for tests that put something (a proxy) in front of it. */
export function postgresAddress(): { host: string; port: number } {
  const url = new URL(POSTGRES_ADMIN_URL);
  return { host: url.hostname, port: Number(url.port || 5432) };
}

// Every test file that uses the backends says which ones it ran on (a `#` line in the TAP output).
console.log(`test backends: ${BACKENDS.join(', ')}${process.env.SCIMD_TEST_BACKENDS ? ' (SCIMD_TEST_BACKENDS)' : ''}; PostgreSQL ${postgresAddress().host}:${postgresAddress().port}`);

/** A fresh, empty database of one backend, and how to remove it. */
export interface TestDatabase {
  url: string;
  open(options?: OpenOptions): Promise<Store>;
  drop(): Promise<void>;
}

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'scimd-test-'));
    const url = join(dir, 'scimd.db');
    // An empty database file, as an empty PostgreSQL database below: commands other than serve
    // and migrate refuse a missing one. An empty file is a valid SQLite database without tables.
    writeFileSync(url, '');
    return { url, open: (options?: OpenOptions) => openStore(url, options), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `scimd_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  await admin.end();
  const adminUrl = new URL(POSTGRES_ADMIN_URL);
  adminUrl.pathname = `/${name}`;
  const url = adminUrl.toString();
  return {
    url,
    open: (options?: OpenOptions) => openStore(url, options),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
