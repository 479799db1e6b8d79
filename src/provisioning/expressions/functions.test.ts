import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression } from './compile-expression.js';
import { IGNORE_FLOW, type ExprResult } from './evaluate.js';
import { ExpressionError } from './expression-error.js';
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
};

const NOW = new Date('2021-07-02T15:33:38Z');

function run(expression: string, attributes: Record<string, unknown> = USER): ExprResult {
  return compileExpression(expression).evaluate({ attribute: (name) => toExprValue(attributes[name]), now: () => NOW });
}

/** [expression, expected result] per function; each function's table names its behaviours. */
const CASES: Record<string, [string, ExprResult][]> = {
  Append: [
    ['Append([userPrincipalName], ".test")', 'John.Doe@contoso.com.test'],
    ['Append([mail], ".test")', null],
    ['Append("a", [mail])', 'a'],
  ],
  CBool: [
    ['CBool([country] = "USA")', 'True'],
    ['CBool([country] = "UK")', 'False'],
    ['CBool("1")', 'True'],
    ['CBool("0")', 'False'],
    ['CBool([accountEnabled])', 'True'],
    ['CBool([mail])', 'False'],
    ['CBool("false")', 'False'],
  ],
  CStr: [
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
  Count: [['Count([proxyAddresses])', '3'], ['Count([mail])', '0']],
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
    ['CDate("2009-06-15T01:45:30-07:00")', '6/15/2009 8:45:30 AM'],
    ['CDate("2021-06-30+08:00")', '6/29/2021 4:00:00 PM'],
  ],
  Now: [['Now()', '7/2/2021 3:33:38 PM']],
  IgnoreFlowIfNullOrEmpty: [
    ['IgnoreFlowIfNullOrEmpty([department])', 'Sales'],
    ['IgnoreFlowIfNullOrEmpty([empty])', IGNORE_FLOW],
    ['IgnoreFlowIfNullOrEmpty(Switch([country], "", "UK", "x"))', IGNORE_FLOW],
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

  it('Guid returns a fresh GUID each time', () => {
    const a = run('Guid()');
    assert.match(String(a), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a, run('Guid()'));
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
