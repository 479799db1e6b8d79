/** How failed deliveries are retried; every figure is configurable so tests run in milliseconds. */
export interface RetryPolicy {
  /** Delay after the first failure; each further failure doubles it. */
  minDelayMs: number;
  /** The longest delay between two attempts. */
  maxDelayMs: number;
  /** How long an event is retried, from its first failure, before its stream is dead-lettered. */
  windowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { minDelayMs: 5_000, maxDelayMs: 3_600_000, windowMs: 3 * 86_400_000 };

/**
 * The wait before the next attempt after `failures` failures: exponential, capped, with jitter
 * (between half and all of it) so receivers coming back up are not hit by every sender at once.
 */
export function retryDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const exponential = policy.minDelayMs * 2 ** Math.min(Math.max(failures - 1, 0), 40);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped / 2 + (random() * capped) / 2);
}
