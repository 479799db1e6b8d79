import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChanges, pickManaged } from './apply-changes.js';
import { checkDeletions, parseDeletionThreshold } from './circuit-breaker.js';
import { diffAttributes, patchOperations } from './diff.js';
import type { Plan } from './plan.js';

describe('attribute diffs and PATCH operations', () => {
  it('finds added, changed and removed values over managed paths only, comparing JSON structurally', () => {
    const changes = diffAttributes(
      { title: 'a', nickName: 'n', emails: [{ type: 'work', value: 'x' }], active: true, unmanaged: 'keep' },
      { title: 'b', displayName: 'D', emails: [{ value: 'x', type: 'work' }], active: true },
      ['title', 'nickName', 'displayName', 'emails', 'active'],
    );
    assert.deepEqual(changes, [
      { path: 'title', from: 'a', to: 'b' },
      { path: 'nickName', from: 'n' },
      { path: 'displayName', to: 'D' },
    ]);
  });

  it('writes lowercase ops with real JSON values, add for new values, and removes a whole element for a cleared value', () => {
    assert.deepEqual(
      patchOperations([
        { path: 'active', from: true, to: false },
        { path: 'title', to: 'T' },
        { path: 'emails[type eq "work"].value', from: 'a@x' },
        { path: 'addresses[type eq "work"].locality', from: 'Oslo' },
      ]),
      [
        { op: 'replace', path: 'active', value: false },
        { op: 'add', path: 'title', value: 'T' },
        { op: 'remove', path: 'emails[type eq "work"]' },
        { op: 'remove', path: 'addresses[type eq "work"].locality' },
      ],
    );
  });

  it('updates what was last sent by the changes that went through', () => {
    assert.deepEqual(applyChanges({ a: 1, b: 2 }, [{ path: 'a', from: 1, to: 3 }, { path: 'b', from: 2 }, { path: 'c', to: 4 }]), { a: 3, c: 4 });
    assert.deepEqual(pickManaged({ a: 1, b: 2 }, ['a', 'z']), { a: 1 });
  });
});

describe('deletion threshold', () => {
  const planWith = (deprovisions: number, managed: number): Plan => ({
    steps: Array.from({ length: deprovisions }, (_, i) => ({ action: i % 2 ? 'delete' : 'disable', type: 'User', key: `u${i}`, targetId: 't', reason: 'out of scope', changes: [] }) as never),
    failures: [],
    notes: [],
    unchanged: 0,
    managed,
  });

  it('trips above a count or a percentage of the managed objects, not at it', () => {
    assert.equal(checkDeletions(planWith(5, 100), { count: 5 }).tripped, false);
    assert.equal(checkDeletions(planWith(6, 100), { count: 5 }).tripped, true);
    assert.equal(checkDeletions(planWith(10, 100), { percent: 10 }).tripped, false);
    assert.equal(checkDeletions(planWith(11, 100), { percent: 10 }).tripped, true);
    assert.equal(checkDeletions(planWith(3, 0), { percent: 10 }).tripped, false);
    assert.equal(checkDeletions(planWith(1000, 1000), null).tripped, false);
    assert.deepEqual(checkDeletions(planWith(6, 100), { count: 5, percent: 50 }), { tripped: true, deprovisions: 6, limit: '5 or 50% of 100 managed objects' });
  });

  it('reads thresholds as written on the command line', () => {
    assert.deepEqual(parseDeletionThreshold('500'), { count: 500 });
    assert.deepEqual(parseDeletionThreshold('12.5%'), { percent: 12.5 });
    assert.equal(parseDeletionThreshold('off'), null);
    assert.throws(() => parseDeletionThreshold('lots'), /a count \(500\), a percentage \(10%\) or off/);
  });
});
