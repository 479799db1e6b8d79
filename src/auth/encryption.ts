import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Encryption at rest for credentials scimd must present again later (webhook signing secrets,
 * the provisioning engine's target secrets): AES-256-GCM, so a changed ciphertext fails to
 * decrypt instead of yielding garbage. Values are `v1:` + base64(iv ‖ tag ‖ ciphertext).
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
}

/**
 * The key comes from SCIMD_ENCRYPTION_KEY (base64 of 32 bytes; every replica must share it),
 * else from a key file, created with owner-only permissions on first start.
 */
export function loadEncryptor(keyFile: string, env: NodeJS.ProcessEnv = process.env): Encryptor {
  const configured = env.SCIMD_ENCRYPTION_KEY;
  if (configured) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new Error('SCIMD_ENCRYPTION_KEY must be the base64 encoding of 32 random bytes (openssl rand -base64 32)');
    return new Encryptor(key);
  }
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return new Encryptor(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
}
