import { ENTRA_DATE_FORMAT, formatDate, parseDate, parseLooseDate } from '../dotnet-date-format.js';
import { mapText, single } from '../values.js';
import type { FunctionDef } from './function-def.js';

function required(value: string | null, fn: string, name: string): string {
  if (value === null || value === '') throw new Error(`${fn}: ${name} is required`);
  return value;
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
];
