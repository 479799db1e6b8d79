import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { tightenToOwner } from '../../auth/encryption.js';

/** The files SQLite keeps for one database: the database, its write-ahead log and shared memory. */
function databaseFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

/**
 * Before SQLite opens `file`: a missing folder is created 0700 and a missing database file 0600
 * (SQLite gives the -wal and -shm files it creates later the database file's mode), and existing
 * files of an older install are tightened to 0600. Directories' rows and hashes are nobody
 * else's to read on a shared host.
 */
export function prepareOwnerOnlyDatabase(file: string): void {
  if (file === ':memory:') return;
  const folder = dirname(file);
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  tightenDatabaseFiles(file);
}

/** chmod 0600 the database and whichever of its -wal and -shm files exist. */
export function tightenDatabaseFiles(file: string): void {
  if (file === ':memory:') return;
  for (const path of databaseFiles(file)) tightenToOwner(path);
}
