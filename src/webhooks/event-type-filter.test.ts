import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKnownEventPattern, matchesEventType } from './event-type-filter.js';

describe('webhook event-type filter', () => {
  it('matches exact types, families and everything', () => {
    assert.equal(matchesEventType([], 'user.created'), true);
    assert.equal(matchesEventType(['*'], 'secret.created'), true);
    assert.equal(matchesEventType(['user.*'], 'user.deactivated'), true);
    assert.equal(matchesEventType(['user.*'], 'group.created'), false);
    assert.equal(matchesEventType(['group.member_added'], 'group.member_added'), true);
    assert.equal(matchesEventType(['group.member_added'], 'group.member_removed'), false);
  });
  it('knows which patterns can match', () => {
    assert.equal(isKnownEventPattern('user.*'), true);
    assert.equal(isKnownEventPattern('user.deactivated'), true);
    assert.equal(isKnownEventPattern('users.*'), false);
    assert.equal(isKnownEventPattern('user.disabled'), false);
  });
});
