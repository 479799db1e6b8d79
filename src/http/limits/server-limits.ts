/**
 * How long a client may take to send a request, and how much one request or one directory may
 * ask of the server. Every value has a `scimd serve` flag (src/cli/limit-options.ts); the table
 * in docs/security.md ("Limits and timeouts") says what a client sees when it runs into each.
 */
export interface ServerLimits {
  /** Longest wait for a request's headers, in ms. */
  headersTimeoutMs: number;
  /** Longest wait for a whole request, headers and body, in ms; answered 408. */
  requestTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed, in ms (above the event feed's 60 s long-poll). */
  idleTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests, in ms. */
  keepAliveTimeoutMs: number;
  /** Longest request target (path and query) in characters; answered 414. */
  maxUrlLength: number;
  /** Most entries in `attributes` plus `excludedAttributes`; answered 400 tooMany. */
  maxProjectionEntries: number;
  /** Largest SCIM response body built, in bytes; answered 400 tooMany instead of building more. */
  maxResponseBytes: number;
  /** SCIM requests of one directory served at once; more get 429. 0 is no limit. */
  directoryConcurrency: number;
  /** SCIM requests one directory may make per minute; more get 429. 0 is no limit. */
  directoryRatePerMinute: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 72_000,
  maxUrlLength: 16_384,
  maxProjectionEntries: 1000,
  maxResponseBytes: 64 * 1024 * 1024,
  directoryConcurrency: 64,
  directoryRatePerMinute: 12_000,
};
