import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

const nested = (depth: number, open: string, close: string) => JSON.parse(`${open.repeat(depth)}${close.repeat(depth)}`);

describe('nestsDeeperThan', () => {
  it('counts arrays and objects alike, and accepts exactly the limit', () => {
    assert.equal(nestsDeeperThan(nested(MAX_JSON_DEPTH, '[', ']')), false);
    assert.equal(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1, '[', ']')), true);
    assert.equal(nestsDeeperThan(JSON.parse(`${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`)), false);
    assert.equal(nestsDeeperThan(JSON.parse(`${'{"a":['.repeat(33)}1${']}'.repeat(33)}`)), true);
  });

  it('treats scalars as depth zero and a SCIM body as shallow', () => {
    for (const value of [null, 1, 'x', true]) assert.equal(nestsDeeperThan(value, 0), false);
    assert.equal(nestsDeeperThan({ userName: 'a', emails: [{ value: 'a@example.com' }] }, 3), false);
    assert.equal(nestsDeeperThan({ userName: 'a', emails: [{ value: 'a@example.com' }] }, 2), true);
  });

  it('walks a hundred thousand levels without overflowing the call stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(nestsDeeperThan(deep), true);
  });
});
