import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression } from './compile-expression.js';
import { IGNORE_FLOW, type ExprResult } from './evaluate.js';
import { ExpressionError } from './expression-error.js';
import type { RandomSource } from './random-source.js';
import { toExprValue } from './values.js';

/** Source attributes every case can read. */
const USER: Record<string, unknown> = {
  givenName: 'Zoë',
  surname: 'Smith',
  userPrincipalName: 'John.Doe@contoso.com',
  mail: null,
  mailNickname: 'john_doe72',
  country: 'USA',
  department: 'Sales',
  empty: '',
  accountEnabled: true,
  proxyAddresses: ['SMTP:a@x.com', 'smtp:b@x.com', 'SMTP:a@x.com'],
  telephoneNumber: '+91 9998887777',
  mobile: '+1 (999) 888-7777',
  phoneEmpty: '',
  address: '545 Tremont Street',
  hireDate: '20150123105347.1Z',
  workdayDate: '2020-12-31-08:00',
  statusFlag: 'true',
  title: 'Product Developer',
  permissions: 'PermissionSetOne, PermissionSetTwo',
  // Inputs of Microsoft's examples for the date, AD and flow functions.
  StatusHireDate: '2012-03-16-07:00',
  dn: 'cn=Joe,dc=contoso,dc=com',
  attribute1: 'x',
  attribute2: 'x',
  prefix: '3444',
  otherPrefix: '9999',
  lastLogonTimestamp: '129699324000000000',
  ContractEndDate: '2020-12-31-08:00',
  userAccountControl: '514',
  PreferredFirstName: 'John',
  PreferredLastName: 'Smith',
};

const NOW = new Date('2021-07-02T15:33:38Z');

/** A seeded generator (mulberry32), so random results are the same on every run. */
function seeded(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    int(max) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
    },
  };
}

function run(expression: string, attributes: Record<string, unknown> = USER, random: RandomSource = seeded(1)): ExprResult {
  return compileExpression(expression).evaluate({ attribute: (name) => toExprValue(attributes[name]), now: () => NOW, random });
}

/** [expression, expected result] per function; each function's table names its behaviours. */
const CASES: Record<string, [string, ExprResult][]> = {
  Append: [
    ['Append([userPrincipalName], ".test")', 'John.Doe@contoso.com.test'],
    ['Append([mail], ".test")', null],
    ['Append("a", [mail])', 'a'],
  ],
  CBool: [
    ['CBool([attribute1] = [attribute2])', 'True'],
    ['CBool([country] = "USA")', 'True'],
    ['CBool([country] = "UK")', 'False'],
    ['CBool("1")', 'True'],
    ['CBool("0")', 'False'],
    ['CBool([accountEnabled])', 'True'],
    ['CBool([mail])', 'False'],
    ['CBool("false")', 'False'],
  ],
  CStr: [
    ['CStr([dn])', 'cn=Joe,dc=contoso,dc=com'],
    ['CStr([accountEnabled])', 'True'],
    ['CStr(42)', '42'],
    ['CStr([mail])', null],
  ],
  Coalesce: [
    ['Coalesce([mail], [userPrincipalName])', 'John.Doe@contoso.com'],
    ['Coalesce([mail], [missing], "default")', 'default'],
    ['Coalesce([mail], [missing])', null],
    ['Coalesce([empty], "x")', ''],
  ],
  FormatDateTime: [
    ['FormatDateTime([hireDate], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', '2015-01-23'],
    ['FormatDateTime([hireDate], "yyyyMMddHHmmss.fZ", "dd/MM/yyyy HH:mm")', '23/01/2015 10:53'],
    ['FormatDateTime([workdayDate], , "yyyy-MM-ddzzz", "yyyy-MM-dd")', '2020-12-31'],
    ['FormatDateTime("3/6/2012 7:05:09 PM", , "M/d/yyyy h:mm:ss tt", "o")', '2012-03-06T19:05:09.0000000Z'],
    ['FormatDateTime([mail], , "yyyy", "yyyy")', null],
  ],
  IIF: [
    ['IIF([country]="USA",[country],[department])', 'USA'],
    ['IIF([country]<>"USA",[country],[department])', 'Sales'],
    ['IIF([country]="USA",IIF([department]="Sales","True","False"),"False")', 'True'],
    ['IIF(Len([surname]) > 3, "long", "short")', 'long'],
    ['IIF(Len([surname]) <= 3, "short", "long")', 'long'],
    ['IIF([mail]="", "none", [mail])', 'none'],
  ],
  IsNull: [
    ['IsNull([mail])', 'True'],
    ['IsNull([missing])', 'True'],
    ['IsNull([empty])', 'False'],
    ['IsNull([givenName])', 'False'],
  ],
  IsNullOrEmpty: [
    ['IsNullOrEmpty([mail])', 'True'],
    ['IsNullOrEmpty([empty])', 'True'],
    ['IsNullOrEmpty([givenName])', 'False'],
  ],
  IsPresent: [
    ['IsPresent([givenName])', 'True'],
    ['IsPresent([empty])', 'False'],
    ['IsPresent([mail])', 'False'],
  ],
  Join: [
    ['Join(", ", "", [surname], [givenName])', 'Smith, Zoë'],
    ['Join(" ", [givenName], [mail], [surname])', 'Zoë Smith'],
    ['Join(";", [proxyAddresses])', 'SMTP:a@x.com;smtp:b@x.com;SMTP:a@x.com'],
    ['Join("", 1000, "7")', '10007'],
    ['Join(",", [mail], [empty])', null],
  ],
  Left: [
    ['Left("John Doe", 3)', 'Joh'],
    ['Left("John", 0)', ''],
    ['Left("John", -1)', 'John'],
    ['Left("Jo", 5)', 'Jo'],
    ['Left([mail], 2)', ''],
  ],
  Mid: [
    ['Mid([givenName], 1, 3)', 'Zoë'],
    ['Mid("John Doe", 6, 3)', 'Doe'],
    ['Mid("John", 3, 10)', 'hn'],
    ['Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))', 'ZoëSmith'],
  ],
  NormalizeDiacritics: [
    ['NormalizeDiacritics([givenName])', 'Zoe'],
    ['NormalizeDiacritics("Ångström Müller")', 'Angstrom Muller'],
    ['NormalizeDiacritics("Søren Æbelø Straße Łukasz")', 'Soeren AEbeloe Strasse Lukasz'],
    ['NormalizeDiacritics("Çağrı Ñúñez")', 'Cagri Nunez'],
    ['NormalizeDiacritics([mail])', null],
  ],
  Not: [
    ['Not("True")', 'False'],
    ['Not("False")', 'True'],
    ['Not([accountEnabled])', 'False'],
    ['Not("anything")', 'True'],
    ['Not(IsNull([mail]))', 'False'],
  ],
  Replace: [
    ['Replace([title],"Product Developer", , , "Software Engineer", , )', 'Software Engineer'],
    ['Replace("jsmith","<username>", , , , , "<username>@contoso.com")', 'jsmith@contoso.com'],
    ['Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )', '9998887777'],
    ['Replace([mobile], , "[()\\\\s-]+", , "", , )', '+19998887777'],
    ['Replace([address], ,"(?<streetNumber>^\\\\d*)","streetNumber", "888", , )', '888 Tremont Street'],
    ['Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )', 'John.Doe'],
    ['Replace([phoneEmpty], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber" , , [telephoneNumber], )', '9998887777'],
    ['Replace([mailNickname], , "[a-zA-Z_]*", , "", , )', '72'],
    ['Replace([userPrincipalName], "@contoso.com", , ,"", ,)', 'John.Doe'],
  ],
  Split: [
    ['Split([permissions], ",")', ['PermissionSetOne', 'PermissionSetTwo']],
    ['Split("a;b;;c", ";")', ['a', 'b', '', 'c']],
    ['Split([mail], ",")', null],
    ['Join("|", Split("x,y", ","))', 'x|y'],
  ],
  StripSpaces: [
    ['StripSpaces(" John  Doe ")', 'JohnDoe'],
    ['StripSpaces([mail])', null],
  ],
  Switch: [
    ['Switch([country], "Other", "USA", "United States", "UK", "United Kingdom")', 'United States'],
    ['Switch([department], "Other", "USA", "United States")', 'Other'],
    ['Switch([mail], "Default", "", "empty")', 'empty'],
    ['Switch("usa", "Other", "USA", "United States")', 'Other'],
    ['Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")', '1'],
    ['Switch([department], , "USA", "x")', null],
  ],
  ToLower: [
    ['ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".", [givenName], [surname]))), "contoso.com"))', 'zoe.smith@contoso.com'],
    ['ToLower("TITLE", "tr-TR")', 'tıtle'],
    ['ToLower([mail])', null],
  ],
  ToUpper: [
    ['ToUpper([givenName])', 'ZOË'],
    ['ToUpper("title", "tr-TR")', 'TİTLE'],
    ['ToUpper([proxyAddresses])', ['SMTP:A@X.COM', 'SMTP:B@X.COM', 'SMTP:A@X.COM']],
  ],
  Word: [
    ['Word("The quick brown fox",3," ")', 'brown'],
    ['Word("This,string!has&many separators",3,",!&#")', 'has'],
    ['Word("one two", 5, " ")', ''],
    ['Word("one two", 0, " ")', ''],
    ['Word([mail], 1, " ")', ''],
  ],
  Count: [['Count([proxyAddresses])', '3'], ['Count([mail])', '0'], ['Count([givenName])', '1']],
  Item: [['Item([proxyAddresses], 2)', 'smtp:b@x.com'], ['Item([proxyAddresses], 9)', null]],
  RemoveDuplicates: [['RemoveDuplicates([proxyAddresses])', ['SMTP:a@x.com', 'smtp:b@x.com']]],
  InStr: [
    ['InStr("The quick brown fox","quick")', '5'],
    ['InStr("repEated","e",3,vbBinaryCompare)', '7'],
    ['InStr("repEated","e",3,vbTextCompare)', '4'],
    ['InStr("abc","z")', '0'],
  ],
  Len: [['Len([surname])', '5'], ['Len([mail])', '0']],
  PCase: [
    ['PCase("PABLO GONSALVES (SECOND)")', 'Pablo Gonsalves (Second)'],
    ['PCase("PINTO-DE\'SILVA", " \'-")', "Pinto-De'Silva"],
  ],
  ConvertToBase64: [['ConvertToBase64("Hello world!")', 'SABlAGwAbABvACAAdwBvAHIAbABkACEA']],
  ConvertToUTF8Hex: [['ConvertToUTF8Hex("Hello world!")', '48656C6C6F20776F726C6421']],
  CDate: [
    ['CDate([StatusHireDate])', '3/16/2012 7:00:00 AM'],
    ['CDate("2020-03-16-07:00")', '3/16/2020 7:00:00 AM'],
    ['CDate("2009-06-15T01:45:30-07:00")', '6/15/2009 8:45:30 AM'],
    ['CDate("2021-06-30+08:00")', '6/29/2021 4:00:00 PM'],
  ],
  Now: [['Now()', '7/2/2021 3:33:38 PM']],
  IgnoreFlowIfNullOrEmpty: [
    ['IgnoreFlowIfNullOrEmpty([department])', 'Sales'],
    ['IgnoreFlowIfNullOrEmpty([empty])', IGNORE_FLOW],
    ['IgnoreFlowIfNullOrEmpty(Switch([country], "", "UK", "x"))', IGNORE_FLOW],
    ['IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))', 'Prof.'],
    ['IgnoreFlowIfNullOrEmpty(Switch([otherPrefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))', IGNORE_FLOW],
    ['IgnoreFlowIfNullOrEmpty([missing])', IGNORE_FLOW],
  ],
  // Microsoft's table for DateAdd (hire date 2012-03-16-07:00).
  DateAdd: [
    ['DateAdd("d", 7, CDate([StatusHireDate]))', '3/23/2012 7:00:00 AM'],
    ['DateAdd("d", -10, CDate([StatusHireDate]))', '3/6/2012 7:00:00 AM'],
    ['DateAdd("ww", 2, CDate([StatusHireDate]))', '3/30/2012 7:00:00 AM'],
    ['DateAdd("m", 10, CDate([StatusHireDate]))', '1/16/2013 7:00:00 AM'],
    ['DateAdd("yyyy", 2, CDate([StatusHireDate]))', '3/16/2014 7:00:00 AM'],
    ['DateAdd("h", 30, "1/31/2021 10:00:00 PM")', '2/2/2021 4:00:00 AM'],
    ['DateAdd("n", -90, Now())', '7/2/2021 2:03:38 PM'],
    ['DateAdd("s", 22, Now())', '7/2/2021 3:34:00 PM'],
    ['DateAdd("m", 1, "1/31/2021")', '2/28/2021 12:00:00 AM'],
    ['DateAdd("d", 1, [missing])', null],
  ],
  // Microsoft's table for DateDiff; "8/25/2021 5:41:18 PM" is what Now() gave there.
  DateDiff: [
    ['DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))', '13'],
    ['DateDiff("d", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', '-3449'],
    ['DateDiff("ww", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', '-493'],
    ['DateDiff("m", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', '-113'],
    ['DateDiff("yyyy", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', '-9'],
    ['DateDiff("d", CDate("2021-08-31+08:00"), CDate("2021-08-31+08:00"))', '0'],
    ['DateDiff("h", CDate("2021-08-24"), CDate("2021-08-25"))', '24'],
    ['DateDiff("n", CDate("2021-08-24"), CDate("2021-08-25"))', '1440'],
    ['DateDiff("s", CDate("2021-08-24"), CDate("2021-08-25"))', '86400'],
    ['DateDiff("d", Now(), CDate([StatusHireDate]))', '-3395'],
    ['Switch([accountEnabled], , "True", IIF(DateDiff("d", Now(), CDate([StatusHireDate])) > 5, "False", "True"), "False", "False")', 'True'],
    ['DateDiff("d", [missing], Now())', null],
  ],
  DateFromNum: [
    ['DateFromNum(129699324000000000)', '1/1/2012 11:00:00 PM'],
    ['DateFromNum([lastLogonTimestamp])', '1/1/2012 11:00:00 PM'],
    ['DateFromNum([missing])', null],
  ],
  NumFromDate: [
    ['NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))', '132539615990000000'],
    ['NumFromDate(DateFromNum([lastLogonTimestamp]))', '129699324000000000'],
    ['NumFromDate([missing])', null],
  ],
  BitAnd: [
    ['BitAnd(&HF, &HF7)', '7'],
    ['BitAnd([userAccountControl], 2)', '2'],
    ['BitAnd([userAccountControl], 16)', '0'],
    ['BitAnd([missing], 2)', null],
  ],
  IsString: [
    ['IsString([givenName])', 'True'],
    ['IsString([proxyAddresses])', 'False'],
    ['IsString([mail])', 'False'],
  ],
  SelectUniqueValue: [
    [
      'SelectUniqueValue(Join("@", NormalizeDiacritics(StripSpaces(Join(".", [PreferredFirstName], [PreferredLastName]))), "contoso.com"), Join("@", NormalizeDiacritics(StripSpaces(Join(".", Mid([PreferredFirstName], 1, 1), [PreferredLastName]))), "contoso.com"), Join("@", NormalizeDiacritics(StripSpaces(Join(".", Mid([PreferredFirstName], 1, 2), [PreferredLastName]))), "contoso.com"))',
      { kind: 'select-unique', candidates: ['John.Smith@contoso.com', 'J.Smith@contoso.com', 'Jo.Smith@contoso.com'] },
    ],
    ['SelectUniqueValue([mail], [missing], "a", "a")', { kind: 'select-unique', candidates: ['a'] }],
  ],
};

describe('expression functions', () => {
  for (const [fn, cases] of Object.entries(CASES)) {
    it(`${fn} behaves as Entra documents it`, () => {
      for (const [expression, expected] of cases) {
        assert.deepEqual(run(expression), expected, expression);
      }
    });
  }

  it('Guid draws a version 4 GUID from the random source', () => {
    const zeros: RandomSource = { int: () => 0 };
    assert.equal(run('Guid()', USER, zeros), '00000000-0000-4000-8000-000000000000');
    assert.equal(run('Guid()', USER, seeded(7)), run('Guid()', USER, seeded(7)), 'the same source gives the same GUID');
    const a = run('Guid()', USER, seeded(7));
    assert.match(String(a), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, run('Guid()', USER, seeded(8)));
    // Without a source, the operating system's generator: two calls differ.
    const system = (text: string) => compileExpression(text).evaluate({ attribute: () => null, now: () => NOW });
    assert.notEqual(system('Guid()'), system('Guid()'));
  });

  const count = (text: string, chars: string) => [...text].filter((c) => chars.includes(c)).length;
  const DIGITS = '0123456789';
  const LOWER = 'abcdefghijklmnopqrstuvwxyz';
  const UPPER = LOWER.toUpperCase();
  const isSpecial = (c: string) => !DIGITS.includes(c) && !LOWER.includes(c) && !UPPER.includes(c);

  it("RandomString(6,3,0,0,3) gives Microsoft's example shape: 3 numbers and 3 lower-case letters", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const value = String(run('RandomString(6,3,0,0,3)', USER, seeded(seed)));
      assert.equal(value.length, 6, value);
      assert.deepEqual([count(value, DIGITS), count(value, LOWER)], [3, 3], value);
    }
    assert.equal(run('RandomString(6,3,0,0,3)', USER, seeded(3)), run('RandomString(6,3,0,0,3)', USER, seeded(3)));
  });

  it('RandomString(10,2,2,2,1,"?,") meets every minimum and never uses the characters to avoid', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const value = String(run('RandomString(10,2,2,2,1,"?,")', USER, seeded(seed)));
      assert.equal(value.length, 10, value);
      assert.ok(count(value, DIGITS) >= 2 && [...value].filter(isSpecial).length >= 2 && count(value, UPPER) >= 2 && count(value, LOWER) >= 1, value);
      assert.ok(!value.includes('?') && !value.includes(','), value);
    }
  });

  it('Redact(RandomString(…)) is redacted and still gives the random value', () => {
    assert.equal(compileExpression('Redact(RandomString(6,3,0,0,3))').redacted, true);
    assert.equal(String(run('Redact(RandomString(6,3,0,0,3))', USER, seeded(4))).length, 6);
  });

  it('SelectUniqueValue and IgnoreFlowIfNullOrEmpty must be the whole expression', () => {
    assert.throws(() => compileExpression('ToLower(SelectUniqueValue("a", "b"))'), /SelectUniqueValue must be the outermost function/);
    assert.throws(() => compileExpression('SelectUniqueValue("a")'), /SelectUniqueValue takes at least 2 arguments, not 1/);
    assert.equal(compileExpression('SelectUniqueValue("a", "b")').selectsUniqueValue, true);
    assert.equal(compileExpression('Join("", "a", "b")').selectsUniqueValue, false);
  });

  it('Redact passes the value through and marks the expression as redacted', () => {
    const compiled = compileExpression('Redact([department])');
    assert.equal(compiled.redacted, true);
    assert.equal(run('Redact([department])'), 'Sales');
    assert.equal(compileExpression('[department]').redacted, false);
  });

  it('lists the attributes an expression reads', () => {
    assert.deepEqual(compileExpression('Join(" ", [givenName], ToUpper([surname]), [givenName])').attributes, ['givenName', 'surname']);
  });

  const FAILURES: [string, RegExp, number][] = [
    ['Left([givenName], "x")', /Left: NumChars must be a whole number/, 1],
    ['Join(",", Mid([givenName], 0, 2))', /Mid: start counts from 1/, 11],
    ['CBool("maybe")', /CBool: "maybe" is neither/, 1],
    ['FormatDateTime([givenName], , "yyyy-MM-dd", "yyyy")', /does not match the format/, 1],
    ['Replace([givenName], , "(", , "x", , )', /regexPattern "\(" is invalid/, 1],
    ['ToLower("x", "not a culture!")', /not a culture name/, 1],
    ['Split("a", "")', /delimiter must not be empty/, 1],
    ['Join(",", DateAdd("fortnight", 1, Now()))', /DateAdd: the interval is one of yyyy, m, d, ww, h, n, s/, 11],
    ['DateDiff("d", "not a date", Now())', /DateDiff: date1 "not a date" is not a date/, 1],
    ['BitAnd("x", 2)', /BitAnd: value1 must be a whole number/, 1],
    ['DateFromNum("soon")', /DateFromNum: value must be a whole number/, 1],
    ['RandomString(4,3,0,0,3)', /the minimums add up to 6, more than the Length 4/, 1],
    ['RandomString(3,3,0,0,0,"0123456789")', /CharactersToAvoid leaves no numbers/, 1],
    ['RandomString(300,0,0,0,0)', /Length is from 1 to 256/, 1],
  ];
  for (const [expression, message, character] of FAILURES) {
    it(`a failure while evaluating ${expression} names the function and its character`, () => {
      assert.throws(() => run(expression), (error: unknown) => {
        assert.ok(error instanceof ExpressionError);
        assert.match(error.message, message);
        assert.equal(error.offset + 1, character);
        return true;
      });
    });
  }
});
