import { DEFAULT_CONFIG } from '../config.js';
import { notFound } from '../scim/errors.js';
import { openStore, requireExistingDatabase } from '../store/open-store.js';
import type { Directory, Store } from '../store/store.js';

/** Options every command accepts. */
export interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/** The database a command works on: `--db`, else SCIMD_DB, else ./data/scimd.db. */
export function databaseOf(options: GlobalOptions): string {
  return options.db ?? process.env.SCIMD_DB ?? DEFAULT_CONFIG.db;
}

/** The database of a command that works on an existing one (all but serve and migrate): refuses a missing one. */
export function existingDatabaseOf(options: GlobalOptions): string {
  const db = databaseOf(options);
  requireExistingDatabase(db);
  return db;
}

/** Opens the store, runs the command, and closes the store whatever happens. */
export async function withStore<T>(options: GlobalOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(existingDatabaseOf(options));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export async function requireDirectory(store: Store, idOrName: string): Promise<Directory> {
  const directory = await store.findDirectory(idOrName);
  if (!directory) throw notFound(`No directory ${JSON.stringify(idOrName)}; see "scimd directory list"`);
  return directory;
}

/** The SCIM base URL clients use, from SCIMD_PUBLIC_URL or the default listen address. */
export function scimUrl(): string {
  if (process.env.SCIMD_PUBLIC_URL) return `${process.env.SCIMD_PUBLIC_URL.replace(/\/+$/, '')}/scim/v2`;
  const host = process.env.SCIMD_HOST ?? DEFAULT_CONFIG.host;
  const port = process.env.SCIMD_PORT ?? String(DEFAULT_CONFIG.port);
  return `http://${host}:${port}/scim/v2`;
}
