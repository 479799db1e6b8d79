import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Endpoint } from './load.js';
import { runNode, startServer, type ServerProcess } from './processes.js';

/** bench/ in the source tree (this file runs from dist/bench/), where results and the work folder live. */
export const BENCH_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));

/** The compiled CLI, as `npm start` runs it. */
export const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export type Backend = 'sqlite' | 'postgres';

/** The PostgreSQL admin URL bench databases are made through unless told otherwise. */
export const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database for one bench run, its size on disk, and how to remove it. */
export interface BenchDatabase {
  backend: Backend;
  url: string;
  /** The database's own size, without its write-ahead log (as pg_database_size counts it). */
  sizeBytes(): Promise<number>;
  drop(): Promise<void>;
}

export async function createDatabase(backend: Backend, postgresAdminUrl: string): Promise<BenchDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'scimd-bench-'));
    const file = join(dir, 'scimd.db');
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    return {
      backend,
      url: file,
      sizeBytes: async () => size(file),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `scimd_bench_${randomBytes(5).toString('hex')}`;
  await withClient(postgresAdminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    backend,
    url: url.toString(),
    sizeBytes: () => withClient(url.toString(), async (c) => Number((await c.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n)),
    drop: () => withClient(postgresAdminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Whether a PostgreSQL server answers at the admin URL. */
export async function postgresReachable(adminUrl: string): Promise<boolean> {
  try {
    await withClient(adminUrl, (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a directory and a client secret with the CLI, as an operator would (the database is created first: only serve and migrate create one). */
export async function createDirectory(db: string, name: string): Promise<{ directoryId: string; secret: string }> {
  await runNode([CLI, 'migrate', '--db', db]);
  const directory = JSON.parse(await runNode([CLI, 'directory', 'create', name, '--db', db, '--json'])) as { id: string };
  const token = JSON.parse(await runNode([CLI, 'token', 'create', directory.id, '--db', db, '--json'])) as { secret: string };
  return { directoryId: directory.id, secret: token.secret };
}

export interface ScimdServer {
  process: ServerProcess;
  endpoint: Endpoint;
  /** The SCIM base path every request path starts with. */
  base: string;
}

/**
 * Starts `scimd serve` on a free loopback port with warn-level logs, as production would run, except that the
 * per-directory request budget (12,000 a minute by default) is off: the bench measures throughput, and past
 * 200 requests a second that budget would answer 429 instead.
 */
export async function startScimd(db: string, secret: string, extraArgs: string[] = []): Promise<ScimdServer> {
  const server = await startServer(
    [CLI, 'serve', '--db', db, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', '--no-bootstrap', '--directory-rate-limit', '0', ...extraArgs],
    /scimd serving http:\/\/[^:]+:(\d+)(\/\S*)/,
    { timeoutMs: 60_000 },
  );
  return {
    process: server,
    base: server.ready[2],
    endpoint: {
      host: '127.0.0.1',
      port: Number(server.ready[1]),
      headers: { authorization: `Bearer ${secret}`, accept: 'application/scim+json' },
      checkBodies: true,
    },
  };
}

/** Starts the bare node:http ceiling server. */
export async function startCeiling(): Promise<ScimdServer> {
  const server = await startServer([fileURLToPath(new URL('./ceiling-server.js', import.meta.url))], /listening (\d+)/);
  return {
    process: server,
    base: '/scim/v2',
    endpoint: {
      host: '127.0.0.1',
      port: Number(server.ready[1]),
      headers: { authorization: 'Bearer ceiling', accept: 'application/scim+json' },
      checkBodies: false,
    },
  };
}
