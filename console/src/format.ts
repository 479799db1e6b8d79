/** Dates and durations as an admin reads them: the day plus the time in UTC, and relative ages. */

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().slice(0, 10);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
