import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelay } from './retry-schedule.js';

describe('webhook retry schedule', () => {
  const policy = { minDelayMs: 1000, maxDelayMs: 60_000, windowMs: 86_400_000 };
  it('doubles the delay with each failure, between half and all of it', () => {
    assert.equal(retryDelay(policy, 1, () => 1), 1000);
    assert.equal(retryDelay(policy, 1, () => 0), 500);
    assert.equal(retryDelay(policy, 3, () => 1), 4000);
  });
  it('never waits longer than the maximum', () => {
    assert.equal(retryDelay(policy, 30, () => 1), 60_000);
    assert.equal(retryDelay(policy, 10_000, () => 1), 60_000);
  });
});
