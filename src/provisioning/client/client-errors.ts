/**
 * A target answered a request with an error status. Carries what RFC 7644 §3.12 error bodies
 * carry (status, scimType, detail), so the engine can tell a uniqueness conflict from a
 * throttle or a refused secret, and logs can say what the target said.
 */
export class ScimClientError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
    readonly scimType?: string,
  ) {
    super(`${method} ${path} → ${status}${scimType ? ` ${scimType}` : ''}: ${detail}`);
    this.name = 'ScimClientError';
  }
}

/**
 * The target throttled (429 or 503) and asked to wait longer than the engine pauses a cycle, or
 * kept throttling through every attempt. Not the object's fault: the cycle stops and the next one
 * carries on, with nothing counted as failed.
 */
export class TargetThrottled extends ScimClientError {
  constructor(
    method: string,
    path: string,
    status: number,
    detail: string,
    /** The wait the target asked for, when it said. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(method, path, status, detail);
    this.name = 'TargetThrottled';
  }
}

/**
 * No answer: the connection failed, dropped or timed out. `sent` says whether the request had
 * been written completely, that is whether the target may have acted on it.
 */
export class TransportError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly code: string,
    readonly sent: boolean,
    message: string,
  ) {
    super(`${method} ${path}: ${message}`);
    this.name = 'TransportError';
  }
}

/**
 * A listing that could not be shown whole: the server answered a page of nothing but resources
 * already listed (it ignores startIndex or repeats itself), or handed back the cursor it was
 * sent, so what it holds beyond is unknown. A source must not read such a listing as the whole, or it would take the rest as deleted.
 */
export class ListingIncomplete extends Error {
  constructor(readonly path: string, how: string) {
    super(`GET ${path}: ${how}, so the listing cannot be known to be whole`);
    this.name = 'ListingIncomplete';
  }
}

/** The token endpoint of an OAuth client-credentials target refused or failed. */
export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** Whether an error says the target refused our credentials. */
export function isAuthenticationFailure(error: unknown): boolean {
  return error instanceof CredentialError || (error instanceof ScimClientError && (error.status === 401 || error.status === 403));
}
