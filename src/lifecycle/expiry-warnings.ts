const DAY_MS = 86_400_000;

/** Days before expiry at which a secret is announced as expiring, as Apple mails 60 days ahead. */
export const DEFAULT_EXPIRY_WARNING_DAYS = [60, 30, 14, 7, 1];

/** Parses `60,30,14,7,1` (any order, whole days); undefined when it is not such a list. */
export function parseWarningDays(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (!parts.length || parts.some((p) => !/^\d+$/.test(p))) return undefined;
  const days = parts.map(Number);
  if (days.some((d) => d < 1 || d > 3650)) return undefined;
  return [...new Set(days)].sort((a, b) => b - a);
}

export interface DueWarning {
  /** The threshold crossed: the nearest one the secret is inside. */
  thresholdDays: number;
  /** Whole days left, rounded up: a secret 29.5 days from expiry has 30 days left. */
  daysLeft: number;
}

/**
 * The warning a secret is due, if any: the nearest threshold it has crossed, when that is nearer
 * than the last one announced (`warnedDays`). A secret that is already inside several windows,
 * such as one created with a 10-day lifetime, gets one warning, for the nearest.
 */
export function dueWarning(expiresAt: string, warnedDays: number | null, thresholds: number[], now: Date): DueWarning | undefined {
  const msLeft = Date.parse(expiresAt) - now.getTime();
  if (msLeft <= 0) return undefined;
  const crossed = thresholds.filter((days) => msLeft <= days * DAY_MS);
  if (!crossed.length) return undefined;
  const thresholdDays = Math.min(...crossed);
  if (warnedDays !== null && warnedDays <= thresholdDays) return undefined;
  return { thresholdDays, daysLeft: Math.ceil(msLeft / DAY_MS) };
}

/** How far ahead the sweeper must look for secrets that may be due a warning. */
export function warningHorizon(thresholds: number[], now: Date): Date {
  return new Date(now.getTime() + Math.max(0, ...thresholds) * DAY_MS);
}
