/**
 * Dates as an admin reads them: relative ("3 hours ago", "in 9 days") on the page, the absolute
 * day and time in UTC in its tooltip (see components/when.tsx). Never an ISO string on screen.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "6 Dec 2026", in UTC as the server keeps time. */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "6 Dec 2026, 20:05 UTC": the absolute time behind a relative one. */
export function absolute(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${shortDate(iso)}, ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
}

/** "3 minutes ago", "in 12 days". */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      // Days to the nearest day, as the server's daysLeft; smaller units whole.
      const n = size === 86_400_000 ? Math.round(abs / size) : Math.floor(abs / size);
      const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return ms < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return ms < 0 ? 'just now' : 'in under a minute';
}

export function plural(n: number, unit: string): string {
  if (n === 1) return `${n} ${unit}`;
  return `${n} ${unit.endsWith('y') ? `${unit.slice(0, -1)}ies` : `${unit}s`}`;
}

/** "an expired secret", "a revoked secret": the article follows the word. */
export function rejectedSecret(reason: string | null | undefined): string {
  const word = reason ?? 'refused';
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word} secret`;
}

export const HEALTH_LABELS: Record<string, string> = {
  rejecting: 'Refusing its client',
  no_active_secret: 'No active secret',
  expiring: 'Secret expiring',
  idle: 'Idle',
  not_connected: 'Not connected',
  healthy: 'Healthy',
};
