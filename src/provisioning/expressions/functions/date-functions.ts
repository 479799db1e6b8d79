import { addInterval, intervalsBetween, parseInterval } from '../date-intervals.js';
import { ENTRA_DATE_FORMAT, formatDate, parseDate, parseLooseDate } from '../dotnet-date-format.js';
import { mapText, single, type ExprValue } from '../values.js';
import { bigIntegerArgument, type FunctionDef } from './function-def.js';

/** Milliseconds from 1601-01-01 (where AD's file times count from, in 100 ns ticks) to 1970-01-01. */
const FILE_TIME_EPOCH_MS = 11_644_473_600_000n;
const TICKS_PER_MS = 10_000n;
/** The last instant .NET's DateTime holds, as FromFileTimeUtc checks. */
const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function required(value: string | null, fn: string, name: string): string {
  if (value === null || value === '') throw new Error(`${fn}: ${name} is required`);
  return value;
}

/** A date argument written any way CDate reads (its own output, ISO 8601, Workday's form); null when absent. */
function dateArgument(value: ExprValue, fn: string, name: string): Date | null {
  const text = single(value);
  if (text === null || text.trim() === '') return null;
  const date = parseLooseDate(text);
  if (!date) throw new Error(`${fn}: ${name} ${JSON.stringify(text)} is not a date`);
  return date;
}

export const dateFunctions: FunctionDef[] = [
  {
    name: 'FormatDateTime',
    min: 3,
    max: 4,
    // FormatDateTime(source, [dateTimeStyles], inputFormat, outputFormat); the three-argument
    // form without dateTimeStyles is accepted too.
    call: (args, _context, given) => {
      const [source, , input, output] = given[3] ? args : [args[0], null, args[1], args[2]];
      const inputFormat = required(single(input), 'FormatDateTime', 'inputFormat');
      const outputFormat = required(single(output), 'FormatDateTime', 'outputFormat');
      return mapText(source, (text) => {
        try {
          return formatDate(parseDate(text, inputFormat), outputFormat);
        } catch (error) {
          throw new Error(`FormatDateTime: ${(error as Error).message}`);
        }
      });
    },
  },
  {
    name: 'CDate',
    min: 1,
    max: 1,
    call: ([source]) =>
      mapText(source, (text) => {
        const date = parseLooseDate(text);
        if (!date) throw new Error(`CDate: ${JSON.stringify(text)} is not a date`);
        return formatDate(date, ENTRA_DATE_FORMAT);
      }),
  },
  { name: 'Now', min: 0, max: 0, call: (_, context) => formatDate(context.now(), ENTRA_DATE_FORMAT) },
  {
    name: 'DateAdd',
    min: 3,
    max: 3,
    // DateAdd(interval, value, dateTime); a fractional value is cut to its whole part, as in VB.
    call: ([interval, value, dateTime]) => {
      const unit = parseInterval(single(interval), 'DateAdd');
      const count = Math.trunc(Number(single(value)));
      if (!Number.isFinite(count)) throw new Error(`DateAdd: value must be a number, not ${JSON.stringify(single(value))}`);
      const date = dateArgument(dateTime, 'DateAdd', 'dateTime');
      return date === null ? null : formatDate(addInterval(date, unit, count), ENTRA_DATE_FORMAT);
    },
  },
  {
    name: 'DateDiff',
    min: 3,
    max: 3,
    // DateDiff(interval, date1, date2): positive when date2 is later.
    call: ([interval, date1, date2]) => {
      const unit = parseInterval(single(interval), 'DateDiff');
      const from = dateArgument(date1, 'DateDiff', 'date1');
      const to = dateArgument(date2, 'DateDiff', 'date2');
      return from === null || to === null ? null : String(intervalsBetween(unit, from, to));
    },
  },
  {
    name: 'DateFromNum',
    min: 1,
    max: 1,
    // An AD date (lastLogonTimestamp, accountExpires): 100 ns ticks since 1601-01-01 UTC.
    call: ([value]) => {
      if (single(value) === null || single(value)!.trim() === '') return null;
      const ms = bigIntegerArgument(value, 'DateFromNum', 'value') / TICKS_PER_MS - FILE_TIME_EPOCH_MS;
      if (ms < -FILE_TIME_EPOCH_MS || ms > BigInt(MAX_DATE_MS)) throw new Error(`DateFromNum: ${single(value)} is outside the dates an AD value can hold`);
      return formatDate(new Date(Number(ms)), ENTRA_DATE_FORMAT);
    },
  },
  {
    name: 'NumFromDate',
    min: 1,
    max: 1,
    // The reverse: a date (ISO 8601) as AD's number, e.g. for accountExpires.
    call: ([value]) => {
      const date = dateArgument(value, 'NumFromDate', 'value');
      if (date === null) return null;
      const ticks = (BigInt(date.getTime()) + FILE_TIME_EPOCH_MS) * TICKS_PER_MS;
      if (ticks < 0n) throw new Error(`NumFromDate: ${single(value)} is before 1601, where AD dates start`);
      return ticks.toString();
    },
  },
];
