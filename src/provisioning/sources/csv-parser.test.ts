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
  ];
  for (const [text, message] of ERRORS) {
    it(`refuses ${JSON.stringify(text)} with a message naming the line`, () => assert.throws(() => parseCsv(text, 'users.csv'), message));
  }
});
