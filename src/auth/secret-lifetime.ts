import { durationHint, parseDuration } from './duration.js';

/**
 * A secret shorter than this cannot be copied into an identity provider and tested before it
 * dies; shorter lifetimes are refused rather than silently stretched.
 */
export const MIN_SECRET_LIFETIME_MS = 3_600_000;
/** The longest finite lifetime: past it an expiry would not be a date the database can order. */
export const MAX_SECRET_LIFETIME_MS = 100 * 365 * 86_400_000;

/**
 * Reads the lifetime of a client or admin secret (`90d`, `1y`, `never`): milliseconds, null for
 * never, or an Error whose message names `label` and the rule broken.
 */
export function readSecretLifetime(text: string, label: string): number | null | Error {
  const ms = parseDuration(text);
  if (ms === undefined) return new Error(`${label} ${JSON.stringify(text)} is not a duration such as 90d, 6mo, 1y or never${durationHint(text)}`);
  if (ms === null) return null;
  if (ms < MIN_SECRET_LIFETIME_MS) return new Error(`${label} ${JSON.stringify(text)} is shorter than 1h, the shortest lifetime of a secret`);
  if (ms > MAX_SECRET_LIFETIME_MS) return new Error(`${label} ${JSON.stringify(text)} is longer than 100y, the longest lifetime of a secret; use never`);
  return ms;
}
