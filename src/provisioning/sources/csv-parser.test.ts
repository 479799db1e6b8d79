import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from './csv-parser.js';

describe('CSV parser', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const table = parseCsv('\uFEFFuserName,title\r\n"a@x.com","Head of ""R&D"", Europe"\r\nb@x.com,"two\nlines"\r\n\r\nc@x.com,\n');
    assert.deepEqual(table.headers, ['userName', 'title']);
    assert.deepEqual(table.rows, [
      { line: 2, values: ['a@x.com', 'Head of "R&D", Europe'] },
      { line: 3, values: ['b@x.com', 'two\nlines'] },
      { line: 6, values: ['c@x.com', ''] },
    ]);
  });

  it('counts the lines of records that span several, with CRLF inside quotes, and of CR-only files', () => {
    const table = parseCsv('a,b\r\n"x\r\ny",2\r\n\r\n\r\nz,"3\n\n4"\r\nw,5\r\n');
    assert.deepEqual(table.rows, [
      { line: 2, values: ['x\r\ny', '2'] },
      { line: 6, values: ['z', '3\n\n4'] },
      { line: 9, values: ['w', '5'] },
    ]);
    assert.deepEqual(parseCsv('a,b\r1,2\r3,4').rows, [
      { line: 2, values: ['1', '2'] },
      { line: 3, values: ['3', '4'] },
    ]);
  });

  it('keeps letters outside ASCII, and commas, quotes and line breaks inside quoted fields', () => {
    const table = parseCsv('givenName,title\n"Zoë","Rep, ""EMEA""\nNorth"\nJosé,€\n');
    assert.deepEqual(table.rows.map((r) => r.values), [['Zoë', 'Rep, "EMEA"\nNorth'], ['José', '€']]);
    assert.equal(table.rows[1].line, 4);
  });

  it('keeps headers that name SCIM paths with quotes and brackets', () => {
    const table = parseCsv('userName,"emails[type eq ""work""].value"\na,a@x\n');
    assert.deepEqual(table.headers, ['userName', 'emails[type eq "work"].value']);
  });

  const ERRORS: [string, RegExp][] = [
    ['', /is empty/],
    ['a,b\n1,2,3\n', /line 2: 3 fields, but the header names 2 columns/],
    ['a,b\n"1,2\n', /line 2: a quoted field is never closed/],
    ['a,b\n"1"x,2\n', /line 2: text after a closing quote/],
    ['a,,b\n', /column 2 has no name/],
    ['a,A\n', /the column "A" appears twice/],
    ['a,b\n1,2\nx"y,3\n', /line 3: a quote inside a field that does not start with one/],
    ['a,b\n"1\n2",3\n4,5,6\n', /line 4: 3 fields, but the header names 2 columns/],
  ];
  for (const [text, message] of ERRORS) {
    it(`refuses ${JSON.stringify(text)} with a message naming the line`, () => assert.throws(() => parseCsv(text, 'users.csv'), message));
  }
});
