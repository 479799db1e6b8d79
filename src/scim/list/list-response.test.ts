import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listResponse } from './list-response.js';

test('listResponse: RFC 7644 §3.4.2 counters, startIndex or nextCursor only when given', () => {
  const resources = [{ id: 'a' }, { id: 'b' }];
  assert.deepEqual(listResponse(resources, 7, { startIndex: 3 }), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: 7,
    itemsPerPage: 2,
    startIndex: 3,
    Resources: resources,
  });
  const cursorPage = listResponse([], 0, { nextCursor: 'c1' });
  assert.deepEqual(cursorPage, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, itemsPerPage: 0, nextCursor: 'c1', Resources: [] });
  assert.equal('startIndex' in cursorPage, false);
  assert.equal('nextCursor' in listResponse([], 0, {}), false);
});
