import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Salted slow hashes (scrypt) for secrets a person chose, which may be guessable: a copy of the
 * database must not let them be tried offline at SHA-256 speed. The parameters travel in the
 * string, `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url), so they can be raised later without
 * invalidating stored hashes.
 */
const PREFIX = 'scrypt$';
/** 16 MiB and tens of milliseconds per hash: a guess costs an attacker as much. */
const PARAMETERS = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(text: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(text, salt, KEY_LENGTH, { ...options, maxmem: 128 * (options.N ?? 0) * (options.r ?? 0) * 2 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export function isSlowHash(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export async function slowHash(text: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(text, salt, PARAMETERS);
  const { N, r, p } = PARAMETERS;
  return `${PREFIX}${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `text` is what `stored` was made from; compared in constant time. A malformed hash matches nothing. */
export async function verifySlowHash(text: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return false;
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(text, Buffer.from(parts[4], 'base64url'), { N, r, p });
  return timingSafeEqual(actual, expected);
}
