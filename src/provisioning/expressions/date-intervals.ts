/**
 * Date arithmetic by interval, as Visual Basic's DateAdd and DateDiff do it (which Entra's
 * functions of the same names follow), on UTC instants. Intervals: yyyy (year), q (quarter),
 * m (month), y and d (day), w (weekday: a day for DateAdd, whole weeks for DateDiff), ww (week;
 * DateDiff counts the Sundays between), h, n (minute), s. Case does not matter.
 */
export type DateInterval = 'yyyy' | 'q' | 'm' | 'y' | 'd' | 'w' | 'ww' | 'h' | 'n' | 's';

const INTERVALS: readonly string[] = ['yyyy', 'q', 'm', 'y', 'd', 'w', 'ww', 'h', 'n', 's'];
const MS = { s: 1000, n: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseInterval(text: string | null, fn: string): DateInterval {
  const interval = (text ?? '').trim().toLowerCase();
  if (!INTERVALS.includes(interval)) throw new Error(`${fn}: the interval is one of yyyy, m, d, ww, h, n, s (or q, y, w), not ${JSON.stringify(text)}`);
  return interval as DateInterval;
}

/** The date `count` intervals later (earlier when negative). Adding months keeps the day, or the month's last day. */
export function addInterval(date: Date, interval: DateInterval, count: number): Date {
  switch (interval) {
    case 'yyyy':
      return addMonths(date, count * 12);
    case 'q':
      return addMonths(date, count * 3);
    case 'm':
      return addMonths(date, count);
    case 'y':
    case 'd':
    case 'w':
      return new Date(date.getTime() + count * MS.d);
    case 'ww':
      return new Date(date.getTime() + count * 7 * MS.d);
    default:
      return new Date(date.getTime() + count * MS[interval]);
  }
}

/** How many intervals from `from` to `to`: positive when `to` is later. Partial intervals do not count. */
export function intervalsBetween(interval: DateInterval, from: Date, to: Date): number {
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
  switch (interval) {
    case 'yyyy':
      return to.getUTCFullYear() - from.getUTCFullYear();
    case 'q':
      return (to.getUTCFullYear() - from.getUTCFullYear()) * 4 + Math.floor(to.getUTCMonth() / 3) - Math.floor(from.getUTCMonth() / 3);
    case 'm':
      return months;
    case 'y':
    case 'd':
      return Math.trunc((to.getTime() - from.getTime()) / MS.d);
    case 'w':
      return Math.trunc(Math.trunc((to.getTime() - from.getTime()) / MS.d) / 7);
    case 'ww': {
      // Both moved back to the start of their week (Sunday), then whole weeks between.
      const start = (d: Date) => d.getTime() - d.getUTCDay() * MS.d;
      return Math.trunc(Math.trunc((start(to) - start(from)) / MS.d) / 7);
    }
    default:
      return Math.trunc((to.getTime() - from.getTime()) / MS[interval]);
  }
}

function addMonths(date: Date, count: number): Date {
  const month = date.getUTCMonth() + count;
  const year = date.getUTCFullYear() + Math.floor(month / 12);
  const monthOfYear = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, monthOfYear + 1, 0)).getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCFullYear(year, monthOfYear, Math.min(date.getUTCDate(), lastDay));
  return result;
}
