import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationHint, formatDuration, parseDuration } from './duration.js';

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
    ['30min', 30 * MINUTE],
    ['2w', 14 * DAY],
    ['6mo', 180 * DAY],
    ['6MO', 180 * DAY],
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

  const INVALID = ['', '   ', '0d', '0s', '-1d', '1.5d', '1m', '6m', '30 m', 'd', '1mi', '1mon', '1yr', '90', '90 days', '1d2h', 'forever', '1e3d', '99999999999999999999y'];
  for (const text of INVALID) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.equal(parseDuration(text), undefined);
    });
  }
});

describe('durationHint', () => {
  it('tells someone who wrote m to choose between min and mo', () => {
    assert.match(durationHint('6m'), /use min for minutes or mo for months/);
  });
  it('names the accepted units otherwise', () => {
    assert.match(durationHint('6 days'), /s, min, h, d, w, mo, y/);
  });
});

describe('formatDuration', () => {
  it('writes minutes as min, which reads back', () => {
    assert.equal(formatDuration(30 * MINUTE), '30min');
    assert.equal(parseDuration(formatDuration(30 * MINUTE)), 30 * MINUTE);
  });
});
