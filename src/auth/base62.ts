const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Encodes bytes as base62, left-padded to the length that `byteLength` bytes always need. */
export function base62(bytes: Uint8Array, length = Math.ceil((bytes.length * 8) / Math.log2(62))): string {
  // Six bytes fit a double exactly: the checksum checked on every authenticated request (four
  // bytes) needs no BigInt arithmetic.
  if (bytes.length <= 6) return smallBase62(bytes).padStart(length, '0');
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(length, '0');
}

function smallBase62(bytes: Uint8Array): string {
  let n = 0;
  for (const byte of bytes) n = n * 256 + byte;
  let out = '';
  while (n > 0) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function isBase62(text: string): boolean {
  return /^[0-9A-Za-z]*$/.test(text);
}
