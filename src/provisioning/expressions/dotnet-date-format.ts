/**
 * .NET custom date and time format strings, which Entra's FormatDateTime, CDate and Now use:
 * parse text by one format and print by another. Times are handled in UTC: a parsed offset
 * (`zzz`, `K`) converts the instant to UTC, and printed offsets are `+00:00` / `Z`.
 * The standard formats `o`, `s` and `u` are accepted too.
 */

type Part = { kind: 'field'; spec: string } | { kind: 'literal'; text: string };

const FIELD_LETTERS = 'dfFhHKmMstyz';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const STANDARD: Record<string, string> = {
  o: 'yyyy-MM-ddTHH:mm:ss.fffffffK',
  O: 'yyyy-MM-ddTHH:mm:ss.fffffffK',
  s: 'yyyy-MM-ddTHH:mm:ss',
  u: "yyyy-MM-dd HH:mm:ss'Z'",
};

/** Entra's own output format for CDate, Now and DateAdd. */
export const ENTRA_DATE_FORMAT = 'M/d/yyyy h:mm:ss tt';

function parts(format: string): Part[] {
  const expanded = STANDARD[format] ?? format;
  const result: Part[] = [];
  let i = 0;
  while (i < expanded.length) {
    const c = expanded[i];
    if (c === "'" || c === '"') {
      const close = expanded.indexOf(c, i + 1);
      if (close === -1) throw new Error(`The format ${JSON.stringify(format)} has an unclosed quote`);
      result.push({ kind: 'literal', text: expanded.slice(i + 1, close) });
      i = close + 1;
    } else if (c === '\\') {
      result.push({ kind: 'literal', text: expanded[i + 1] ?? '' });
      i += 2;
    } else if (c === '%') {
      i++;
    } else if (FIELD_LETTERS.includes(c)) {
      let j = i;
      while (expanded[j] === c) j++;
      result.push({ kind: 'field', spec: expanded.slice(i, j) });
      i = j;
    } else {
      result.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return result;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Prints a UTC instant by a .NET format. */
export function formatDate(date: Date, format: string): string {
  return parts(format)
    .map((part) => (part.kind === 'literal' ? part.text : formatField(date, part.spec)))
    .join('');
}

function formatField(date: Date, spec: string): string {
  const letter = spec[0];
  const n = spec.length;
  const hours = date.getUTCHours();
  switch (letter) {
    case 'y': {
      const year = date.getUTCFullYear();
      return n === 2 ? pad(year % 100, 2) : n === 1 ? String(year % 100) : pad(year, n);
    }
    case 'M':
      if (n >= 4) return MONTHS[date.getUTCMonth()];
      if (n === 3) return MONTHS[date.getUTCMonth()].slice(0, 3);
      return pad(date.getUTCMonth() + 1, n);
    case 'd':
      if (n >= 4) return DAYS[date.getUTCDay()];
      if (n === 3) return DAYS[date.getUTCDay()].slice(0, 3);
      return pad(date.getUTCDate(), n);
    case 'H':
      return pad(hours, Math.min(n, 2));
    case 'h':
      return pad(hours % 12 === 0 ? 12 : hours % 12, Math.min(n, 2));
    case 'm':
      return pad(date.getUTCMinutes(), Math.min(n, 2));
    case 's':
      return pad(date.getUTCSeconds(), Math.min(n, 2));
    case 'f':
    case 'F': {
      const digits = pad(date.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n);
      return letter === 'F' ? digits.replace(/0+$/, '') : digits;
    }
    case 't':
      return (hours < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
    case 'z':
      return n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
    case 'K':
      return 'Z';
    default:
      return spec;
  }
}

/**
 * Parses text by a .NET format; throws when the text does not have that shape or names an
 * impossible date. Leading and trailing white space is allowed, as Entra's defaults do.
 */
export function parseDate(text: string, format: string): Date {
  const fields: string[] = [];
  let pattern = '';
  for (const part of parts(format)) {
    if (part.kind === 'literal') {
      pattern += part.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    fields.push(part.spec);
    pattern += fieldPattern(part.spec);
  }
  const match = new RegExp(`^\\s*${pattern}\\s*$`, 'i').exec(text);
  if (!match) throw new Error(`${JSON.stringify(text)} does not match the format ${JSON.stringify(format)}`);
  let year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0, offsetMinutes = 0;
  let pm: boolean | undefined;
  fields.forEach((spec, index) => {
    const value = match[index + 1];
    if (value === undefined || value === '') return;
    const number = Number(value);
    switch (spec[0]) {
      case 'y':
        year = spec.length <= 2 ? (number < 30 ? 2000 + number : 1900 + number) : number;
        break;
      case 'M':
        month = spec.length >= 3 ? MONTHS.findIndex((m) => m.toLowerCase().startsWith(value.toLowerCase())) + 1 : number;
        break;
      case 'd':
        if (spec.length <= 2) day = number;
        break;
      case 'H':
      case 'h':
        hour = number;
        break;
      case 'm':
        minute = number;
        break;
      case 's':
        second = number;
        break;
      case 'f':
      case 'F':
        ms = Math.round(Number(`0.${value}`) * 1000);
        break;
      case 't':
        pm = value.toUpperCase().startsWith('P');
        break;
      case 'z':
      case 'K': {
        if (value.toUpperCase() === 'Z') break;
        const sign = value.startsWith('-') ? -1 : 1;
        const [h, m = '0'] = value.slice(1).split(':');
        offsetMinutes = sign * (Number(h) * 60 + Number(m));
        break;
      }
    }
  });
  if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(time);
  if (month < 1 || month > 12 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`${JSON.stringify(text)} is not a valid date for the format ${JSON.stringify(format)}`);
  }
  if (year < 100) check.setUTCFullYear(year);
  return new Date(check.getTime() - offsetMinutes * 60_000);
}

function fieldPattern(spec: string): string {
  const n = spec.length;
  switch (spec[0]) {
    case 'y':
      return n <= 2 ? '(\\d{2})' : n === 4 ? '(\\d{4})' : `(\\d{${n},5})`;
    case 'M':
      return n >= 3 ? '([A-Za-z]+)' : n === 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'd':
      return n >= 3 ? '([A-Za-z]+)' : n === 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'H':
    case 'h':
    case 'm':
    case 's':
      return n >= 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'f':
      return `(\\d{${n}})`;
    case 'F':
      return `(\\d{0,${n}})`;
    case 't':
      return n === 1 ? '([AP])' : '([AP]M)';
    case 'z':
      return n >= 3 ? '([+-]\\d{2}:\\d{2})' : n === 2 ? '([+-]\\d{2})' : '([+-]\\d{1,2})';
    case 'K':
      return '(Z|[+-]\\d{2}:\\d{2})?';
    default:
      return '';
  }
}

/**
 * Reads a date written the common ways (ISO 8601, Workday's `2020-03-16-07:00`, Entra's own
 * `M/d/yyyy h:mm:ss tt`), for CDate. Undefined when it is none of them.
 */
export function parseLooseDate(text: string): Date | undefined {
  const trimmed = text.trim();
  const dateWithOffset = /^(\d{4}-\d{2}-\d{2})([+-]\d{2}:\d{2}|Z)$/.exec(trimmed);
  if (dateWithOffset) return new Date(`${dateWithOffset[1]}T00:00:00${dateWithOffset[2]}`);
  for (const format of [ENTRA_DATE_FORMAT, 'M/d/yyyy']) {
    try {
      return parseDate(trimmed, format);
    } catch {
      // try the next shape
    }
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed) || trimmed.length === 10 ? trimmed : `${trimmed}Z`;
    const time = Date.parse(iso);
    if (!Number.isNaN(time)) return new Date(time);
  }
  return undefined;
}
