import assert from 'node:assert/strict';
import { ScimError, type ScimType } from '../../src/scim/errors.js';

export interface ExpectedScimError {
  status: number;
  scimType?: ScimType;
  /** A pattern the detail must match, such as the position of a filter error. */
  detail?: RegExp;
}

/**
 * Asserts that `run` throws a ScimError with the given status and scimType (and no scimType
 * when none is expected), and returns it so a test can look further.
 */
export function throwsScimError(run: () => unknown, expected: ExpectedScimError): ScimError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, 'expected a ScimError, but nothing was thrown');
  assert.ok(caught instanceof ScimError, `expected a ScimError, got ${String(caught)}`);
  assert.equal(caught.status, expected.status, caught.detail);
  assert.equal(caught.scimType, expected.scimType, caught.detail);
  if (expected.detail) assert.match(caught.detail, expected.detail);
  return caught;
}
