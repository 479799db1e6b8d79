import * as nodeCrypto from 'node:crypto';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { base62, isBase62 } from './base62.js';

/**
 * Client secrets look like `scimd_<43 base62 chars: 256 random bits><6 chars: CRC-32>`. The
 * prefix lets secret scanners spot a leaked one; the checksum rejects a mistyped or truncated
 * secret without a database read. Only the SHA-256 hash is ever stored.
 */
export const SECRET_PREFIX = 'scimd_';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;

export function generateSecret(): string {
  const body = base62(randomBytes(32), BODY_LENGTH);
  return `${SECRET_PREFIX}${body}${checksum(body)}`;
}

/** Whether the text has the shape and checksum of a scimd secret. */
export function isWellFormedSecret(text: string): boolean {
  if (text.length !== SECRET_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH || !text.startsWith(SECRET_PREFIX)) return false;
  const body = text.slice(SECRET_PREFIX.length, SECRET_PREFIX.length + BODY_LENGTH);
  const sum = text.slice(SECRET_PREFIX.length + BODY_LENGTH);
  return isBase62(body) && sum === checksum(body);
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

/**
 * Every authenticated request hashes its secret: the one-shot `crypto.hash` (Node 20.12 and
 * later) costs about a third of a Hash object's creation, update and digest. Same digest.
 */
const sha256Hex: (text: string) => string =
  typeof nodeCrypto.hash === 'function' ? (text) => nodeCrypto.hash('sha256', text, 'hex') : (text) => createHash('sha256').update(text).digest('hex');

/** The last characters, which list views show so an admin can tell secrets apart. */
export function secretSuffix(secret: string): string {
  return secret.slice(-4);
}

function checksum(body: string): string {
  // The body is base62 (ASCII), so its UTF-8 is its ASCII: no Buffer to build on every request.
  const sum = crc32(body) >>> 0;
  return base62(Uint8Array.of(sum >>> 24, (sum >>> 16) & 0xff, (sum >>> 8) & 0xff, sum & 0xff), CHECKSUM_LENGTH);
}

/**
 * Short random identifiers such as `sec_3kTq9ZbW2mXnP`, for things admins refer to by id: 72
 * random bits, always 13 base62 characters (12 cannot hold every 72-bit value).
 */
export function randomId(prefix: string): string {
  return `${prefix}_${base62(idBytes())}`;
}

/**
 * Identifiers' random bytes come from a pool filled 4 KiB at a time, as Node's randomUUID does:
 * each call into OpenSSL costs about 5 µs here (a getpid system call for its fork check among
 * it), and a write makes an id for every event it logs (a DELETE of a user in groups, six).
 * Bytes are handed out once and never again; base62 reads them at once, so the view is safe.
 */
const ID_POOL = Buffer.alloc(4096);
let idPoolOffset = ID_POOL.length;
function idBytes(): Uint8Array {
  if (idPoolOffset + 9 > ID_POOL.length) {
    randomFillSync(ID_POOL);
    idPoolOffset = 0;
  }
  return ID_POOL.subarray(idPoolOffset, (idPoolOffset += 9));
}
