import { ScimError } from '../scim/errors.js';

/**
 * Why an administrative request was refused, as the RFC 9457 problem `type` the admin API sends
 * (`urn:scimd:problem:<problem>`); clients branch on it rather than on the wording of `detail`.
 */
export type AdminProblem =
  | 'not-found'
  | 'invalid-input'
  | 'name-taken'
  | 'active-secret-limit'
  | 'last-active-secret'
  | 'already-revoked'
  | 'confirmation-required'
  | 'self-rotation-disabled'
  | 'successor-not-used'
  /** A self-service route that creates or retires secrets was called with an access token instead of the client secret. */
  | 'client-secret-required'
  /** A provisioning cycle of the connection is already running (here or on another replica). */
  | 'cycle-running'
  /** The event feed or a replay asked for events the retention period has already deleted. */
  | 'events-expired';

/**
 * A refused administrative action. It is a ScimError so the CLI prints its detail like any other
 * failure; the admin API turns it into `application/problem+json`.
 */
export class AdminError extends ScimError {
  constructor(
    status: number,
    readonly problem: AdminProblem,
    detail: string,
  ) {
    super(status, detail);
    this.name = 'AdminError';
  }
}

export const notFoundProblem = (detail: string) => new AdminError(404, 'not-found', detail);
export const invalidInput = (detail: string) => new AdminError(400, 'invalid-input', detail);
export const conflictProblem = (problem: AdminProblem, detail: string) => new AdminError(409, problem, detail);
