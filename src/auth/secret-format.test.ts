import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSecret, hashSecret, isWellFormedSecret, randomId, SECRET_PREFIX, secretSuffix } from './secret-format.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('secret format', () => {
  it('generates scimd_ + 43 base62 characters + a 6-character checksum', () => {
    const secret = generateSecret();
    assert.match(secret, /^scimd_[0-9A-Za-z]{49}$/);
    assert.ok(secret.startsWith(SECRET_PREFIX));
  });

  it('generates secrets that are well formed and all different', () => {
    const secrets = Array.from({ length: 200 }, generateSecret);
    for (const secret of secrets) assert.ok(isWellFormedSecret(secret), secret);
    assert.equal(new Set(secrets).size, secrets.length);
  });

  it('rejects every one-character change, in the body and in the checksum', () => {
    const secret = generateSecret();
    for (let i = SECRET_PREFIX.length; i < secret.length; i++) {
      for (const replacement of [BASE62[(BASE62.indexOf(secret[i]) + 1) % 62], BASE62[(BASE62.indexOf(secret[i]) + 31) % 62]]) {
        const changed = secret.slice(0, i) + replacement + secret.slice(i + 1);
        assert.equal(isWellFormedSecret(changed), false, `a change at position ${i} went unnoticed`);
      }
    }
  });

  it('accepts secrets issued before (their checksum is computed the same way)', () => {
    // Written by an earlier build, whose checksum went through a Buffer and BigInt base62.
    assert.equal(isWellFormedSecret('scimd_Ae8FZjUC4OC6O9e1ABDHwQoMifrVuVEiyIUtMC6R81w3nLhOv'), true);
    assert.equal(isWellFormedSecret('scimd_Ae8FZjUC4OC6O9e1ABDHwQoMifrVuVEiyIUtMC6R81w3nLhOw'), false);
  });

  it('rejects two swapped neighbouring characters', () => {
    const secret = generateSecret();
    let checked = 0;
    for (let i = SECRET_PREFIX.length; i < secret.length - 7; i++) {
      if (secret[i] === secret[i + 1]) continue;
      const swapped = secret.slice(0, i) + secret[i + 1] + secret[i] + secret.slice(i + 2);
      assert.equal(isWellFormedSecret(swapped), false, `a swap at position ${i} went unnoticed`);
      checked++;
    }
    assert.ok(checked > 30);
  });

  const MALFORMED: [string, (secret: string) => string][] = [
    ['a different prefix', (s) => `scimx_${s.slice(6)}`],
    ['an upper-case prefix', (s) => `SCIMD_${s.slice(6)}`],
    ['no prefix', (s) => s.slice(6)],
    ['a missing last character', (s) => s.slice(0, -1)],
    ['an extra character', (s) => `${s}0`],
    ['surrounding whitespace', (s) => ` ${s} `],
    ['a character outside base62', (s) => `${s.slice(0, 10)}-${s.slice(11)}`],
    ['a "Bearer " prefix left on', (s) => `Bearer ${s}`],
  ];
  for (const [label, mangle] of MALFORMED) {
    it(`rejects a secret with ${label}`, () => {
      assert.equal(isWellFormedSecret(mangle(generateSecret())), false);
    });
  }

  it('rejects the empty string and text that only looks like a secret', () => {
    assert.equal(isWellFormedSecret(''), false);
    assert.equal(isWellFormedSecret('scimd_'), false);
    assert.equal(isWellFormedSecret(`scimd_${'0'.repeat(49)}`), false);
  });

  it('hashes with SHA-256 to 64 hex characters, the same secret to the same hash', () => {
    const secret = generateSecret();
    assert.match(hashSecret(secret), /^[0-9a-f]{64}$/);
    assert.equal(hashSecret(secret), hashSecret(secret));
    assert.notEqual(hashSecret(secret), hashSecret(generateSecret()));
    assert.equal(hashSecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('shows the last four characters as the suffix', () => {
    const secret = generateSecret();
    assert.equal(secretSuffix(secret), secret.slice(-4));
    assert.equal(secretSuffix(secret).length, 4);
  });

  it('makes random ids of one fixed length with the given prefix', () => {
    const ids = Array.from({ length: 2000 }, () => randomId('sec'));
    for (const id of ids) assert.match(id, /^sec_[0-9A-Za-z]{13}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});
