import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../scim/schema/urns.js';
import { isObject, unlessAdvertised } from '../capabilities.js';
import { expect, expectStatus } from '../check-failure.js';
import type { CheckContext } from '../check-context.js';
import type { Exchange } from '../check-http.js';
import type { Check } from '../check-types.js';
import { memberIds } from './scim-assertions.js';

const withBulk = (c: { bulk: { supported: boolean } }) => unlessAdvertised('bulk.supported', c.bulk.supported);

/** The operation results of a BulkResponse; every created object is tracked for cleanup. */
function results(context: CheckContext, response: Exchange): Record<string, unknown>[] {
  const operations = Array.isArray(response.json.Operations) ? response.json.Operations.filter(isObject) : [];
  for (const op of operations) {
    const match = /\/(Users|Groups)\/([^/?]+)$/.exec(String(op.location ?? ''));
    if (match && String(op.status).startsWith('2')) context.track(match[1] as 'Users' | 'Groups', { ...response, status: 201, json: { id: decodeURIComponent(match[2]) } });
  }
  return operations;
}

export const bulkChecks: Check[] = [
  {
    id: 'bulk.create-with-bulk-id',
    title: 'Bulk POST of a user and a group that references it by bulkId',
    area: 'bulk',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.7 and §3.7.2 (bulkId references)',
    sends: 'POST /Bulk: POST /Users (bulkId "u"), POST /Groups with members [{"value":"bulkId:u"}]',
    expects: '200 BulkResponse, both statuses "201" with locations; the group holds the new user',
    skipUnless: (c) => withBulk(c) ?? (c.groups ? undefined : 'the server lists no Group resource type'),
    async run(context) {
      const user = context.userBody('bulk');
      const response = await context.send('POST', '/Bulk', {
        body: {
          schemas: [BULK_REQUEST_SCHEMA],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'u', data: user },
            { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: context.name('bulk-group'), members: [{ value: 'bulkId:u' }] } },
          ],
        },
      });
      const operations = results(context, response);
      expectStatus(response, 200, 'POST /Bulk');
      expect(Array.isArray(response.json.schemas) && response.json.schemas.includes(BULK_RESPONSE_SCHEMA), 'the answer is not a BulkResponse', response);
      expect(operations.length === 2 && operations.every((op) => String(op.status) === '201' && typeof op.location === 'string'), 'expected two operations with status "201" and a location', response);
      const groupLocation = String(operations.find((op) => op.bulkId === 'g')?.location ?? operations[1].location);
      const userLocation = String(operations.find((op) => op.bulkId === 'u')?.location ?? operations[0].location);
      const group = await context.send('GET', `/Groups/${groupLocation.replace(/^.*\//, '')}`);
      expect(memberIds(group.json).includes(userLocation.replace(/^.*\//, '')), 'the group does not hold the user its bulkId named', response, group);
    },
  },
  {
    id: 'bulk.fail-on-errors',
    title: 'failOnErrors stops a Bulk request after that many errors',
    area: 'bulk',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.7 (failOnErrors) and §3.7.3',
    sends: 'POST /Bulk with failOnErrors 1: an invalid user (no userName), then a valid one',
    expects: '200 with one result, a 4xx status; the valid user is not created',
    skipUnless: withBulk,
    async run(context) {
      const valid = context.userBody('bulk-after-error');
      const response = await context.send('POST', '/Bulk', {
        body: {
          schemas: [BULK_REQUEST_SCHEMA],
          failOnErrors: 1,
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_SCHEMA], displayName: 'no userName' } },
            { method: 'POST', path: '/Users', bulkId: 'good', data: valid },
          ],
        },
      });
      const operations = results(context, response);
      expectStatus(response, 200, 'POST /Bulk');
      expect(operations.length === 1 && String(operations[0].status).startsWith('4'), 'expected the request to stop after the first (failed) operation', response);
    },
  },
];
