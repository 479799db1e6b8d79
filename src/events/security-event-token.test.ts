import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DirectoryEvent } from './event-types.js';
import { toSecurityEventToken } from './security-event-token.js';

const base = { directoryId: 'd', sequence: 1, occurredAt: '2026-11-28T12:00:00.000Z' };
const options = { issuer: 'https://scim.example.com/scim/v2', baseUrl: 'https://scim.example.com/scim/v2', mode: 'notice' as const };

describe('RFC 9967 security event tokens', () => {
  it('maps a creation to prov:create with sub_id format scim', () => {
    const event: DirectoryEvent = { ...base, id: 'evt_1', type: 'user.created', subject: { type: 'User', id: 'u1', version: 1 }, data: { attributes: { userName: 'a' } } };
    const notice = toSecurityEventToken(event, options)!;
    assert.equal(notice.jti, 'evt_1');
    assert.equal(notice.txn, 'evt_1');
    assert.equal(notice.iat, 1795867200);
    assert.deepEqual(notice.sub_id, { format: 'scim', uri: '/Users/u1' });
    assert.deepEqual(notice.events, { 'urn:ietf:params:scim:event:prov:create:notice': { version: 'W/"1"', attributes: ['id', 'userName'] } });
    const full = toSecurityEventToken(event, { ...options, mode: 'full' })!;
    assert.deepEqual(full.events, {
      'urn:ietf:params:scim:event:prov:create:full': { version: 'W/"1"', data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', userName: 'a' } },
    });
  });

  it('adds prov:deactivate to the patch event of a deactivation', () => {
    const event: DirectoryEvent = { ...base, id: 'e', type: 'user.deactivated', subject: { type: 'User', id: 'u1', version: 4 }, data: { changed: ['active'], before: { active: true }, after: { active: false } } };
    assert.deepEqual(toSecurityEventToken(event, options)!.events, {
      'urn:ietf:params:scim:event:prov:patch:notice': { version: 'W/"4"', attributes: ['active'] },
      'urn:ietf:params:scim:event:prov:deactivate': {},
    });
    assert.deepEqual(toSecurityEventToken(event, { ...options, mode: 'full' })!.events, {
      'urn:ietf:params:scim:event:prov:patch:full': {
        version: 'W/"4"',
        data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
      },
      'urn:ietf:params:scim:event:prov:deactivate': {},
    });
  });

  it('maps a deletion to prov:delete without payload', () => {
    const event: DirectoryEvent = { ...base, id: 'e', type: 'group.deleted', subject: { type: 'Group', id: 'g1', version: 2 }, data: { attributes: {} } };
    const token = toSecurityEventToken(event, options)!;
    assert.deepEqual(token.events, { 'urn:ietf:params:scim:event:prov:delete': {} });
    assert.deepEqual(token.sub_id, { format: 'scim', uri: '/Groups/g1' });
  });

  it('maps membership changes to feed:add and feed:remove about the member, with the group as audience', () => {
    const event: DirectoryEvent = { ...base, id: 'e', type: 'group.member_added', subject: { type: 'Group', id: 'g1', version: 2 }, data: { member: { value: 'u1', type: 'User' } } };
    const token = toSecurityEventToken(event, options)!;
    assert.deepEqual(token.sub_id, { format: 'scim', uri: '/Users/u1' });
    assert.deepEqual(token.events, { 'urn:ietf:params:scim:event:feed:add': {} });
    assert.deepEqual(token.aud, ['https://scim.example.com/scim/v2/Groups/g1']);
    assert.deepEqual(toSecurityEventToken({ ...event, type: 'group.member_removed' }, options)!.events, { 'urn:ietf:params:scim:event:feed:remove': {} });
  });

  it('has no token for administration events', () => {
    const event: DirectoryEvent = { ...base, id: 'e', type: 'secret.created', subject: { type: 'Secret', id: 's' }, data: {} };
    assert.equal(toSecurityEventToken(event, options), undefined);
  });
});
