import assert from 'node:assert/strict';
import type { ScimResponse } from './test-server.js';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/**
 * Asserts an RFC 7644 §3.12 error response: the status, the SCIM media type, the Error schema,
 * `status` as a string, a non-empty detail, and the scimType when one is expected.
 */
export function assertScimError(response: ScimResponse, status: number, scimType?: string): void {
  const context = `${response.status} ${response.text.slice(0, 300)}`;
  assert.equal(response.status, status, context);
  assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/, context);
  assert.deepEqual(response.body.schemas, [ERROR_SCHEMA], context);
  assert.equal(response.body.status, String(status), context);
  assert.equal(typeof response.body.detail, 'string', context);
  assert.ok(response.body.detail.length > 0, context);
  if (scimType !== undefined) assert.equal(response.body.scimType, scimType, context);
}

/** Asserts a 2xx status, showing the body when it is not. */
export function assertStatus(response: ScimResponse, status: number): void {
  assert.equal(response.status, status, `${response.status} ${response.text.slice(0, 500)}`);
}

/** A filter as a query-string value. */
export function q(filter: string): string {
  return encodeURIComponent(filter);
}

/** PatchOp request body. */
export function patchOp(...operations: object[]): object {
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}
