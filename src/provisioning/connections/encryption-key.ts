import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Encryptor, loadEncryptor } from '../../auth/encryption.js';

/**
 * The key that encrypts target credentials at rest: SCIMD_ENCRYPTION_KEY if set (every replica
 * must share it), else the key file SCIMD_KEY_FILE, else `scimd.key` beside a SQLite database or
 * `./data/scimd.key` for PostgreSQL, created with owner-only permissions on first use.
 */
export function connectionEncryptor(db: string, env: NodeJS.ProcessEnv = process.env): Encryptor {
  return loadEncryptor(keyFileFor(db, env), env);
}

export function keyFileFor(db: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCIMD_KEY_FILE) return env.SCIMD_KEY_FILE;
  if (/^postgres(ql)?:\/\//i.test(db)) return join('data', 'scimd.key');
  return join(dirname(db.replace(/^sqlite:(\/\/)?/i, '')), 'scimd.key');
}

/**
 * The server's key (its signing key derives from it): the connection key, except that an
 * in-memory database, which ends with the process, gets a key that does too, instead of a key
 * file in the working directory.
 */
export function serverEncryptor(db: string, env: NodeJS.ProcessEnv = process.env): Encryptor {
  if (/^(sqlite:(\/\/)?)?:memory:$/i.test(db) && !env.SCIMD_ENCRYPTION_KEY && !env.SCIMD_KEY_FILE) return new Encryptor(randomBytes(32));
  return connectionEncryptor(db, env);
}
