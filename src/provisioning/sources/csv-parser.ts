import { CsvError, parse } from 'csv-parse/sync';

/** A CSV file read into its header and rows, each row with the line it starts on. */
export interface CsvTable {
  headers: string[];
  rows: { line: number; values: string[] }[];
}

/** A record longer than this is a broken file (an unclosed quote swallowing the rest), not data. */
const MAX_RECORD_BYTES = 1_000_000;

/**
 * RFC 4180 CSV, read by csv-parse: comma-separated; fields in double quotes may hold commas,
 * quotes (doubled) and line breaks; CRLF, LF or CR line ends; a byte-order mark is ignored;
 * blank lines are skipped. The text is already decoded (see source-file-text.ts). Errors name the
 * line, so an admin can fix the file.
 */
export function parseCsv(text: string, name = 'the file'): CsvTable {
  const bytes = Buffer.from(text, 'utf8');
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    // With `info`, each record comes with where it ended (its typings do not say so).
    records = parse(bytes, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      max_record_size: MAX_RECORD_BYTES,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new Error(`${name} line ${(error as CsvError).lines ?? '?'}: ${explain(error)}`);
  }
  if (records.length === 0) throw new Error(`${name} is empty; the first line must name the columns`);
  const lineOf = lineCounter(bytes);
  let previousEnd = 0;
  const [header, ...rows] = records.map(({ record, info }) => {
    const row = { line: lineOf(previousEnd), values: record };
    previousEnd = info.bytes;
    return row;
  });
  const headers = header.values.map((h) => h.trim());
  const seen = new Map<string, number>();
  headers.forEach((h, index) => {
    if (h === '') throw new Error(`${name} line 1: column ${index + 1} has no name`);
    const key = h.toLowerCase();
    if (seen.has(key)) throw new Error(`${name} line 1: the column ${JSON.stringify(h)} appears twice`);
    seen.set(key, index);
  });
  for (const row of rows) {
    if (row.values.length !== headers.length) {
      throw new Error(`${name} line ${row.line}: ${row.values.length} fields, but the header names ${headers.length} columns`);
    }
  }
  return { headers, rows };
}

/** The parser's complaint in an admin's words. */
function explain(error: unknown): string {
  if (!(error instanceof CsvError)) return (error as Error).message;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text after a closing quote; quotes inside a quoted field are written twice ("")';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside a field that does not start with one; put the whole field in quotes and write the quote twice ("")';
    case 'CSV_MAX_RECORD_SIZE':
      return `a row longer than ${MAX_RECORD_BYTES} bytes; is a quote left open?`;
    default:
      return error.message;
  }
}

/**
 * The 1-based line a record starts on, from the byte offset where the one before it ended: blank
 * lines in between are skipped, and CRLF counts as one line break. Offsets must only grow.
 */
function lineCounter(bytes: Buffer): (offset: number) => number {
  let position = 0;
  let line = 1;
  const advance = (to: number) => {
    for (; position < to; position++) {
      const byte = bytes[position];
      if (byte === 0x0a || (byte === 0x0d && bytes[position + 1] !== 0x0a)) line++;
    }
  };
  return (offset) => {
    advance(offset);
    // Blank lines before the record are skipped by the parser; so are their line breaks here.
    let start = offset;
    while (start < bytes.length && (bytes[start] === 0x0a || bytes[start] === 0x0d)) start++;
    advance(start);
    return line;
  };
}
