const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The units a duration may be written in. A bare `m` is refused: people write it for
 * minutes and for months, and a secret meant to last six months must not die in six minutes.
 * A month is 30 days and a year 365 days.
 */
const UNITS: Record<string, number> = { s: SECOND, min: MINUTE, h: HOUR, d: DAY, w: 7 * DAY, mo: 30 * DAY, y: 365 * DAY };

/** The accepted units, for `--help` texts and error messages. */
export const DURATION_UNITS = 's, min, h, d, w, mo, y';

/**
 * Parses lifetimes such as `90d`, `1y`, `12h`, `30min`, `6mo` or `never` into milliseconds
 * (null for never). Returns undefined for text that is not a duration, `6m` included.
 */
export function parseDuration(text: string): number | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'never') return null;
  const match = /^(\d+)\s*([a-z]+)$/.exec(trimmed);
  if (!match || !Object.hasOwn(UNITS, match[2]!)) return undefined;
  const amount = Number(match[1]);
  const ms = amount * UNITS[match[2]!]!;
  return amount > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Why `text` is not a duration, to append to an error message: the ambiguous `m` gets its own
 * advice, anything else the list of units.
 */
export function durationHint(text: string): string {
  if (/^\s*\d+\s*m\s*$/i.test(text)) return '; "m" is ambiguous: use min for minutes or mo for months';
  return `; units: ${DURATION_UNITS}`;
}

/**
 * The inverse of `parseDuration` for display and settings documents: the largest unit that
 * divides the lifetime exactly (`365d`, `12h`), or `never` for null. Years and months print as
 * days, so a value reads back the same whatever unit it was given in.
 */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'never';
  for (const [unit, size] of [['d', DAY], ['h', HOUR], ['min', MINUTE], ['s', SECOND]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.ceil(ms / 1000)}s`;
}
