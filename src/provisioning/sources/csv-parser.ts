/** A CSV file read into its header and rows, each row with the line it starts on. */
export interface CsvTable {
  headers: string[];
  rows: { line: number; values: string[] }[];
}

/**
 * RFC 4180 CSV: comma-separated, fields in double quotes may hold commas, quotes (doubled) and
 * line breaks; CRLF or LF line ends; a UTF-8 byte-order mark is ignored; blank lines are skipped.
 * Errors name the line, so an admin can fix the file.
 */
export function parseCsv(text: string, name = 'the file'): CsvTable {
  const records: { line: number; values: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let values: string[] = [];
  let field = '';
  let recordLine = 1;
  let quoted = false;
  let fieldStarted = false;
  const endField = () => {
    values.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    if (!(values.length === 1 && values[0] === '')) records.push({ line: recordLine, values });
    values = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new Error(`${name} line ${line}: text after a closing quote; quotes inside a quoted field are written twice ("")`);
        }
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted && field === '') {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error(`${name} line ${recordLine}: a quoted field is never closed`);
  if (field !== '' || values.length) endRecord();
  if (records.length === 0) throw new Error(`${name} is empty; the first line must name the columns`);
  const [header, ...rows] = records;
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
