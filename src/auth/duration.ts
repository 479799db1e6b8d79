/**
 * Parses lifetimes such as `90d`, `1y`, `12h`, `30m` or `never` into milliseconds
 * (null for never). Years are 365 days. Returns undefined for text that is not a duration.
 */
export function parseDuration(text: string): number | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'never') return null;
  const match = /^(\d+)\s*(y|d|h|m|s)$/.exec(trimmed);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = { y: 365 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[match[2] as 'y'];
  const ms = amount * unit;
  return amount > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * The inverse of `parseDuration` for display and settings documents: the largest unit that
 * divides the lifetime exactly (`365d`, `12h`), or `never` for null. Years print as days,
 * so a value reads back the same whatever unit it was given in.
 */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'never';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.ceil(ms / 1000)}s`;
}
