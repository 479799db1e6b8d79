/** How hard the client tries before giving up on one request. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff step; each retry doubles it, up to `capMs`. */
  baseMs: number;
  capMs: number;
  /**
   * The longest Retry-After the cycle pauses for; a longer one stops the cycle (TargetThrottled),
   * and the next cycle carries on, with nothing counted as failed.
   */
  maxRetryAfterMs: number;
}

export const MAX_RETRY_AFTER_MS = 15 * 60_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseMs: 250, capMs: 30_000, maxRetryAfterMs: MAX_RETRY_AFTER_MS };

/**
 * Exponential backoff with full jitter (a random wait between zero and the doubled step), so
 * many clients retrying after one failure do not arrive together again.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(retry - 1, 0));
  return Math.round(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(date - now, 0);
}
