import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base62 } from './base62.js';

describe('base62', () => {
  // Values written by the BigInt encoding, which short inputs (secret checksums) no longer use.
  it('encodes short byte strings as the BigInt encoding did', () => {
    const cases: [number[], number | undefined, string][] = [
      [[0, 0, 0, 0], 6, '000000'],
      [[0, 0, 0, 1], 6, '000001'],
      [[255, 255, 255, 255], 6, '4gfFC3'],
      [[18, 52, 86, 120], 6, '0KfVfM'],
      [[1], undefined, '01'],
      [[255, 255, 255, 255, 255, 255], undefined, '1HvWXNAa7'],
    ];
    for (const [bytes, length, expected] of cases) assert.equal(base62(Uint8Array.from(bytes), length), expected, JSON.stringify(bytes));
  });

  it('gives the same text for a value whatever the number of leading zero bytes, up to the padding', () => {
    for (let i = 0; i < 200; i++) {
      const value = Math.floor(Math.random() * 2 ** 32);
      const four = Uint8Array.from([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
      const eight = Uint8Array.from([0, 0, 0, 0, ...four]);
      assert.equal(base62(four, 12), base62(eight, 12), String(value));
    }
  });
});
