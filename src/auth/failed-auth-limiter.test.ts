import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailedAuthLimiter } from './failed-auth-limiter.js';

const start = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);

describe('failed authentication limiter', () => {
  it('allows the limit of failures per minute, then asks the address to wait until the minute ends', () => {
    const limiter = new FailedAuthLimiter(3);
    assert.equal(limiter.recordFailure('10.0.0.1', at(0)), undefined);
    assert.equal(limiter.recordFailure('10.0.0.1', at(1000)), undefined);
    assert.equal(limiter.recordFailure('10.0.0.1', at(2000)), undefined);
    assert.equal(limiter.recordFailure('10.0.0.1', at(20_000)), 40);
    assert.equal(limiter.recordFailure('10.0.0.1', at(59_500)), 1);
  });

  it('starts afresh when the window has passed', () => {
    const limiter = new FailedAuthLimiter(1);
    limiter.recordFailure('10.0.0.1', at(0));
    assert.equal(limiter.recordFailure('10.0.0.1', at(1000)), 59);
    assert.equal(limiter.recordFailure('10.0.0.1', at(60_000)), undefined);
  });

  it('counts each address on its own', () => {
    const limiter = new FailedAuthLimiter(1);
    limiter.recordFailure('10.0.0.1', at(0));
    assert.equal(limiter.recordFailure('10.0.0.2', at(0)), undefined);
    assert.notEqual(limiter.recordFailure('10.0.0.1', at(0)), undefined);
  });

  it('never limits when the limit is 0', () => {
    const limiter = new FailedAuthLimiter(0);
    for (let i = 0; i < 1000; i++) assert.equal(limiter.recordFailure('10.0.0.1', at(i)), undefined);
  });

  it('remembers a bounded number of addresses', () => {
    const limiter = new FailedAuthLimiter(1, 60_000, 100);
    limiter.recordFailure('10.0.0.1', at(0));
    for (let i = 0; i < 500; i++) limiter.recordFailure(`192.168.${i >> 8}.${i & 255}`, at(1));
    // The first address was forgotten to make room, so its next failure starts a new window.
    assert.equal(limiter.recordFailure('10.0.0.1', at(2)), undefined);
    assert.ok((limiter as unknown as { windows: Map<string, unknown> }).windows.size <= 100);
  });
});
