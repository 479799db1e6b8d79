import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestLimiter } from './request-limiter.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from './retry-policy.js';

describe('retry policy', () => {
  it('doubles the backoff ceiling per retry up to the cap, with full jitter', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseMs: 100, capMs: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, () => 0.999999)), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(backoffDelay(3, policy, () => 0), 0);
    assert.equal(backoffDelay(3, policy, () => 0.5), 200);
  });

  const NOW = Date.parse('2026-01-01T00:00:00Z');
  const CASES: [string | string[] | undefined, number | undefined][] = [
    ['120', 120_000],
    [' 0 ', 0],
    [['3', '9'], 3000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of CASES) {
    it(`reads Retry-After ${JSON.stringify(header)} as ${expected} ms`, () => assert.equal(parseRetryAfter(header, NOW), expected));
  }
});

describe('request limiter', () => {
  it('holds every new request while paused', async () => {
    const limiter = new RequestLimiter(4, 0);
    limiter.pauseUntil(Date.now() + 300);
    const started = Date.now();
    const release = await limiter.acquire();
    release();
    assert.ok(Date.now() - started >= 280);
  });

  it('hands a released slot to the next waiter in order', async () => {
    const limiter = new RequestLimiter(1, 0);
    const order: number[] = [];
    const first = await limiter.acquire();
    const waiting = [1, 2].map((n) => limiter.acquire().then((release) => (order.push(n), release())));
    first();
    await Promise.all(waiting);
    assert.deepEqual(order, [1, 2]);
    assert.throws(() => new RequestLimiter(0, 0), /at least 1/);
  });
});
