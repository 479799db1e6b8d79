import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDate, parseDate, parseLooseDate } from './dotnet-date-format.js';

describe('.NET date formats', () => {
  const instant = new Date('2024-02-09T07:05:03.042Z');
  const FORMATS: [string, string][] = [
    ['yyyy-MM-dd', '2024-02-09'],
    ['M/d/yyyy h:mm:ss tt', '2/9/2024 7:05:03 AM'],
    ['dddd, MMMM d, yyyy', 'Friday, February 9, 2024'],
    ['ddd MMM yy', 'Fri Feb 24'],
    ['HH:mm:ss.fff', '07:05:03.042'],
    ['HH:mm:ss.FFFFFFF', '07:05:03.042'],
    ["yyyyMMdd'T'HHmm", '20240209T0705'],
    ['yyyy\\-MM', '2024-02'],
    ['o', '2024-02-09T07:05:03.0420000Z'],
    ['s', '2024-02-09T07:05:03'],
    ['u', '2024-02-09 07:05:03Z'],
    ['yyyy-MM-ddTHH:mm:sszzz', '2024-02-09T07:05:03+00:00'],
  ];
  for (const [format, expected] of FORMATS) {
    it(`prints ${format}`, () => assert.equal(formatDate(instant, format), expected));
  }

  const PARSES: [string, string, string][] = [
    ['20150123105347.1Z', 'yyyyMMddHHmmss.fZ', '2015-01-23T10:53:47.100Z'],
    ['2020-12-31-08:00', 'yyyy-MM-ddzzz', '2020-12-31T08:00:00.000Z'],
    ['3/6/2012 7:05:09 PM', 'M/d/yyyy h:mm:ss tt', '2012-03-06T19:05:09.000Z'],
    ['12/31/99', 'MM/dd/yy', '1999-12-31T00:00:00.000Z'],
    ['  2024-02-29 ', 'yyyy-MM-dd', '2024-02-29T00:00:00.000Z'],
    ['9 March 2021', 'd MMMM yyyy', '2021-03-09T00:00:00.000Z'],
    ['2021-03-09T10:00:00Z', 'yyyy-MM-ddTHH:mm:ssK', '2021-03-09T10:00:00.000Z'],
  ];
  for (const [text, format, iso] of PARSES) {
    it(`parses ${JSON.stringify(text)} by ${format}`, () => assert.equal(parseDate(text, format).toISOString(), iso));
  }

  it('refuses text of another shape and impossible dates', () => {
    assert.throws(() => parseDate('2024/01/01', 'yyyy-MM-dd'), /does not match the format/);
    assert.throws(() => parseDate('2023-02-29', 'yyyy-MM-dd'), /not a valid date/);
    assert.throws(() => parseDate('2023-13-01', 'yyyy-MM-dd'), /not a valid date/);
  });

  it('reads the loose shapes CDate accepts', () => {
    assert.equal(parseLooseDate('2020-03-16-07:00')?.toISOString(), '2020-03-16T07:00:00.000Z');
    assert.equal(parseLooseDate('8/25/2021 5:41:18 PM')?.toISOString(), '2021-08-25T17:41:18.000Z');
    assert.equal(parseLooseDate('2021-08-24')?.toISOString(), '2021-08-24T00:00:00.000Z');
    assert.equal(parseLooseDate('yesterday'), undefined);
  });
});
