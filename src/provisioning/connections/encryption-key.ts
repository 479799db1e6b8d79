import { dirname, join } from 'node:path';
import { loadEncryptor, type Encryptor } from '../../auth/encryption.js';

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
