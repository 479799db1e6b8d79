import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  const VALID: [string, number | null][] = [
    ['90d', 90 * DAY],
    ['365d', 365 * DAY],
    ['1y', 365 * DAY],
    ['2y', 730 * DAY],
    ['12h', 12 * HOUR],
    ['30m', 30 * MINUTE],
    ['45s', 45 * SECOND],
    ['1s', SECOND],
    ['90D', 90 * DAY],
    [' 7 d ', 7 * DAY],
    ['never', null],
    ['NEVER', null],
  ];
  for (const [text, expected] of VALID) {
    it(`reads ${JSON.stringify(text)} as ${expected === null ? 'never' : `${expected} ms`}`, () => {
      assert.equal(parseDuration(text), expected);
    });
  }

  const INVALID = ['', '   ', '0d', '0s', '-1d', '1.5d', '1w', 'd', '90', '90 days', '1d2h', 'forever', '1e3d', '99999999999999999999y'];
  for (const text of INVALID) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.equal(parseDuration(text), undefined);
    });
  }
});
