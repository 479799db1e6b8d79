import assert from 'node:assert/strict';
import { assertScimError } from '../../support/scim-assertions.js';
import type { ScimResponse } from '../../support/test-server.js';

/**
 * What any request may get, however hostile: a success, or a 4xx with the RFC 7644 error body.
 * Never a 5xx.
 */
export function assertHandled(response: ScimResponse, label: string): void {
  assert.ok(response.status < 500, `${label} → ${response.status} ${response.text.slice(0, 400)}`);
  if (response.status >= 400) assertScimError(response, response.status);
}

/** Object.prototype still has none of the keys a polluting body tries to plant. */
export function assertPrototypeClean(): void {
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'value', 'userName']) assert.equal(probe[key], undefined, `Object.prototype.${key} was polluted`);
}

/** A resource's representation without what the server assigns (id, meta, version-bearing fields). */
export function clientView(resource: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, meta: _meta, ...rest } = resource;
  return rest;
}
