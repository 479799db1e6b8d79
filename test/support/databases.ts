import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export type Backend = 'sqlite' | 'postgres';

/** Every server test runs on both backends; SCIMD_TEST_BACKENDS narrows it for local work. */
export const BACKENDS: Backend[] = (process.env.SCIMD_TEST_BACKENDS ?? 'sqlite,postgres')
  .split(',')
  .map((b) => b.trim())
  .filter((b): b is Backend => b === 'sqlite' || b === 'postgres');

export const POSTGRES_ADMIN_URL = process.env.SCIMD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty database of one backend, and how to remove it. */
export interface TestDatabase {
  url: string;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'scimd-test-'));
    const url = join(dir, 'scimd.db');
    return { url, open: () => openStore(url), drop: async () => rmSync(dir, { recursive: true, force: true }) };
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
    open: () => openStore(url),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
