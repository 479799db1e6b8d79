import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Encryption at rest for credentials scimd must present again later (webhook signing secrets,
 * the provisioning engine's target secrets): AES-256-GCM, so a changed ciphertext fails to
 * decrypt instead of yielding garbage. Values are `v1:` + base64(iv ‖ tag ‖ ciphertext).
 *
 * The same key, through HKDF, gives the server's signing key (console sessions, CSRF tokens,
 * access tokens, cursors), so nothing in the database can sign: a copy of the database alone
 * cannot forge a session or a token.
 */
export class Encryptor {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The encryption key must be 32 bytes');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
  }

  decrypt(value: string): string {
    if (!value.startsWith('v1:')) throw new Error('Unknown encrypted value format');
    const raw = Buffer.from(value.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** The key that signs what the server hands out; each codec derives its own purpose key from it. */
  signingKey(): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), 'scimd signing key v1', 32));
  }
}

/**
 * The key comes from SCIMD_ENCRYPTION_KEY (base64 of 32 bytes; every replica must share it),
 * else from a key file, created with owner-only permissions on first start (an existing one is
 * tightened to 0600).
 */
export function loadEncryptor(keyFile: string, env: NodeJS.ProcessEnv = process.env): Encryptor {
  const configured = env.SCIMD_ENCRYPTION_KEY;
  if (configured) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new Error('SCIMD_ENCRYPTION_KEY must be the base64 encoding of 32 random bytes (openssl rand -base64 32)');
    return new Encryptor(key);
  }
  createKeyFile(keyFile, randomBytes(32));
  tightenToOwner(keyFile);
  return new Encryptor(readKeyFile(keyFile));
}

export function readKeyFile(keyFile: string): Buffer {
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`The key file ${keyFile} does not hold the base64 encoding of 32 bytes`);
  return key;
}

/**
 * Writes a key file that does not exist yet, whole or not at all: the key goes to a private
 * temporary file first, which is then hard-linked into place. Two replicas starting at once on
 * one key path both end up reading the one key that won. Returns false when the file existed.
 */
export function createKeyFile(keyFile: string, key: Buffer): boolean {
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const temporary = `${keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, keyFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** chmod 0600 a file this process may own; a file owned by someone else is left as it is. */
export function tightenToOwner(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
