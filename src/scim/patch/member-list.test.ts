import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter } from '../filter/parser.js';
import type { JsonObject } from '../json.js';
import { applyMemberChanges } from './member-list.js';

describe('applyMemberChanges', () => {
  const members: JsonObject[] = [{ value: 'u1', display: 'Ann' }, { value: 'u2', type: 'User' }, { value: 'g1', type: 'Group' }];

  it('adds once, removes by id and by filter, in order, keeping what the server gave each member', () => {
    const result = applyMemberChanges(members, [
      { op: 'add', members: [{ value: 'u3' }, { value: 'u1' }] },
      { op: 'remove', ids: ['u2', 'nobody'] },
      { op: 'removeWhere', filter: parseFilter('type eq "Group"') },
    ]);
    assert.deepEqual(result, [{ value: 'u1', display: 'Ann' }, { value: 'u3' }]);
  });

  it('replaces the whole list, and leaves the input untouched', () => {
    assert.deepEqual(applyMemberChanges(members, [{ op: 'replace', members: [{ value: 'u9', type: 'User' }] }]), [{ value: 'u9', type: 'User' }]);
    assert.equal(members.length, 3);
  });
});
