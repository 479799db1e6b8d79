import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredResource } from '../scim/resource/representation.js';
import { changedAttributes, resourceEvent } from './resource-events.js';

const user = (version: number, data: StoredResource['data']): StoredResource => ({
  id: 'u1',
  type: 'User',
  data,
  version,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
});

describe('resource events', () => {
  it('names a creation and a deletion with the attributes', () => {
    assert.deepEqual(resourceEvent(undefined, user(1, { userName: 'a' })), {
      type: 'user.created',
      subject: { type: 'User', id: 'u1', version: 1 },
      data: { attributes: { userName: 'a' }, display: 'a' },
    });
    assert.equal(resourceEvent(user(3, { userName: 'a' }), undefined)?.type, 'user.deleted');
  });

  it('lists changed attributes with before and after values, extension attributes by URN', () => {
    const ext = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const event = resourceEvent(user(1, { userName: 'a', title: 'x', [ext]: { department: 'S' } }), user(2, { userName: 'a', nickName: 'n', [ext]: { department: 'T' } }));
    assert.equal(event?.type, 'user.updated');
    assert.deepEqual(event?.data, {
      changed: ['nickName', 'title', `${ext}:department`],
      before: { [`${ext}:department`]: 'S', title: 'x' },
      after: { [`${ext}:department`]: 'T', nickName: 'n' },
      display: 'a',
    });
  });

  it('calls an active flip a deactivation or reactivation', () => {
    assert.equal(resourceEvent(user(1, { userName: 'a', active: true }), user(2, { userName: 'a', active: false }))?.type, 'user.deactivated');
    assert.equal(resourceEvent(user(1, { userName: 'a', active: false }), user(2, { userName: 'a', active: true }))?.type, 'user.reactivated');
    assert.equal(resourceEvent(user(1, { userName: 'a' }), user(2, { userName: 'a', active: true }))?.type, 'user.updated');
  });

  it('gives no event when nothing changed', () => {
    assert.equal(resourceEvent(user(1, { userName: 'a', emails: [{ value: 'x' }] }), user(1, { userName: 'a', emails: [{ value: 'x' }] })), undefined);
    assert.deepEqual(changedAttributes({ a: 1 }, { a: 1 }).names, []);
  });
});
