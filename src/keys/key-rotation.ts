import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import { createKeyFile, Encryptor, readKeyFile } from '../auth/encryption.js';
import { keyFileFor } from '../provisioning/connections/encryption-key.js';
import type { SqlExecutor } from '../store/sql/sql-driver.js';
import { openSqlDriver } from '../store/open-driver.js';

/** What `scimd keys rotate` did. */
export interface KeyRotationReport {
  keyFile: string;
  /** The previous key, kept under this name (owner-only) until the operator removes it. */
  backupFile: string;
  reencrypted: { connectionCredentials: number; sourceSecrets: number; webhookSecrets: number };
  /** What was signed with the old key and is refused from now on. */
  invalidated: string[];
}

/** Signed with the key file's key, so a new key ends them all. */
export const INVALIDATED_BY_ROTATION = ['console sessions (admins sign in again)', 'OAuth access tokens (clients fetch new ones)', 'paging cursors (listings restart)'];

/**
 * Replaces the key file's key. Every value encrypted with the old key (connection credentials,
 * source secrets, webhook signing secrets) is re-encrypted with the new one in one transaction,
 * so the database never holds a mix; a value the old key cannot open stops the rotation with
 * nothing changed. Order on disk: the new key is written beside the file first, the old file is
 * kept under a backup name, and the new one then renamed into place, so at every step one of
 * the files holds the key the database needs.
 */
export async function rotateKeys(db: string, env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<KeyRotationReport> {
  if (env.SCIMD_ENCRYPTION_KEY) {
    throw new Error('The key comes from SCIMD_ENCRYPTION_KEY, which scimd cannot replace: unset it and use a key file (SCIMD_KEY_FILE) to rotate with scimd keys rotate');
  }
  const keyFile = keyFileFor(db, env);
  if (!existsSync(keyFile)) throw new Error(`No key file at ${keyFile}: there is no key to rotate (scimd serve creates one on first start)`);
  const oldKey = new Encryptor(readKeyFile(keyFile));
  const newKey = randomBytes(32);
  const pendingFile = `${keyFile}.new`;
  if (!createKeyFile(pendingFile, newKey)) throw new Error(`${pendingFile} exists: an earlier rotation was interrupted. If the database was re-encrypted, that file holds its key; move it into place or remove it, then run again`);

  let backupFile: string | undefined;
  let reencrypted: KeyRotationReport['reencrypted'];
  try {
    backupFile = keepBackup(keyFile, now);
    const driver = await openSqlDriver(db);
    try {
      reencrypted = await driver.transaction((tx) => reencryptAll(tx, oldKey, new Encryptor(newKey), driver.dialect.name === 'postgres'));
    } finally {
      await driver.close();
    }
  } catch (error) {
    rmSync(pendingFile, { force: true });
    if (backupFile) rmSync(backupFile, { force: true });
    throw error;
  }
  renameSync(pendingFile, keyFile);
  return { keyFile, backupFile, reencrypted, invalidated: INVALIDATED_BY_ROTATION };
}

/** A second name for the current key file (a hard link: same bytes, same 0600), unique per rotation. */
function keepBackup(keyFile: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]|\.\d+/g, '');
  for (let n = 1; ; n++) {
    const backup = `${keyFile}.${stamp}${n > 1 ? `-${n}` : ''}.old`;
    try {
      linkSync(keyFile, backup);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function reencryptAll(tx: SqlExecutor, from: Encryptor, to: Encryptor, lockRows: boolean): Promise<KeyRotationReport['reencrypted']> {
  const forUpdate = lockRows ? ' FOR UPDATE' : '';
  const counts = { connectionCredentials: 0, sourceSecrets: 0, webhookSecrets: 0 };
  const again = (what: string, value: string) => {
    try {
      return to.encrypt(from.decrypt(value));
    } catch {
      throw new Error(`The ${what} cannot be decrypted with the current key file: nothing was rotated (is SCIMD_KEY_FILE the file this database was used with?)`);
    }
  };

  const connections = await tx.all<{ id: string; name: string; credential: string; source: string }>(`SELECT id, name, credential, source FROM provisioning_connections ORDER BY id${forUpdate}`);
  for (const row of connections) {
    const source = JSON.parse(row.source) as Record<string, unknown>;
    for (const [field, value] of Object.entries(source)) {
      // Every encrypted field of a source spec is named encrypted… (encryptedPassword, encryptedSecret).
      if (!field.startsWith('encrypted') || typeof value !== 'string') continue;
      source[field] = again(`source secret of connection ${row.name}`, value);
      counts.sourceSecrets++;
    }
    await tx.run('UPDATE provisioning_connections SET credential = $2, source = $3 WHERE id = $1', [row.id, again(`credential of connection ${row.name}`, row.credential), JSON.stringify(source)]);
    counts.connectionCredentials++;
  }

  const webhooks = await tx.all<{ id: string; secrets: string }>(`SELECT id, secrets FROM webhooks ORDER BY id${forUpdate}`);
  for (const row of webhooks) {
    await tx.run('UPDATE webhooks SET secrets = $2 WHERE id = $1', [row.id, again(`signing secret of webhook ${row.id}`, row.secrets)]);
    counts.webhookSecrets++;
  }
  return counts;
}
