import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import type { AttrPath } from '../path/attr-path.js';
import type { CompareOp, Filter, Literal } from './ast.js';
import { DEFAULT_FILTER_LIMITS, parseFilter } from './parser.js';
import { printFilter } from './printer.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const at = (attr: string, sub?: string, uri?: string): AttrPath => ({
  ...(uri === undefined ? {} : { uri }),
  attr,
  ...(sub === undefined ? {} : { sub }),
});
const cmp = (path: AttrPath, op: CompareOp, value: Literal): Filter => ({ kind: 'compare', path, op, value });
const pr = (path: AttrPath): Filter => ({ kind: 'present', path });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const valuePath = (path: AttrPath, filter: Filter): Filter => ({ kind: 'valuePath', path, filter });

/** Valid filters and the tree each must parse to. */
const VALID: [string, Filter][] = [
  // The nine comparison operators and presence.
  ['userName eq "bjensen"', cmp(at('userName'), 'eq', 'bjensen')],
  ['userName ne "bjensen"', cmp(at('userName'), 'ne', 'bjensen')],
  ['name.familyName co "O\'Malley"', cmp(at('name', 'familyName'), 'co', "O'Malley")],
  ['userName sw "J"', cmp(at('userName'), 'sw', 'J')],
  ['userName ew "sen"', cmp(at('userName'), 'ew', 'sen')],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'gt', '2011-05-13T04:42:34Z')],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'ge', '2011-05-13T04:42:34Z')],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'lt', '2011-05-13T04:42:34Z')],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'le', '2011-05-13T04:42:34Z')],
  ['title pr', pr(at('title'))],
  // Logical operators and precedence: and binds tighter than or, not tighter than and.
  ['title pr and userType eq "Employee"', and(pr(at('title')), cmp(at('userType'), 'eq', 'Employee'))],
  ['title pr or userType eq "Intern"', or(pr(at('title')), cmp(at('userType'), 'eq', 'Intern'))],
  ['a pr or b pr and c pr', or(pr(at('a')), and(pr(at('b')), pr(at('c'))))],
  ['a pr and b pr or c pr', or(and(pr(at('a')), pr(at('b'))), pr(at('c')))],
  ['a pr and b pr and c pr', and(and(pr(at('a')), pr(at('b'))), pr(at('c')))],
  ['a pr or b pr or c pr', or(or(pr(at('a')), pr(at('b'))), pr(at('c')))],
  ['(a pr or b pr) and c pr', and(or(pr(at('a')), pr(at('b'))), pr(at('c')))],
  ['a pr or (b pr or c pr)', or(pr(at('a')), or(pr(at('b')), pr(at('c'))))],
  ['((a pr))', pr(at('a'))],
  ['not (a pr)', not(pr(at('a')))],
  ['not(a pr)', not(pr(at('a')))],
  ['not (a pr) and b pr', and(not(pr(at('a'))), pr(at('b')))],
  ['not (a pr and b pr)', not(and(pr(at('a')), pr(at('b'))))],
  ['not (not (a pr))', not(not(pr(at('a'))))],
  [
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    and(cmp(at('userType'), 'ne', 'Employee'), not(or(cmp(at('emails'), 'co', 'example.com'), cmp(at('emails', 'value'), 'co', 'example.org')))),
  ],
  // Value paths.
  ['emails[type eq "work"]', valuePath(at('emails'), cmp(at('type'), 'eq', 'work'))],
  [
    'emails[type eq "work" and primary eq true]',
    valuePath(at('emails'), and(cmp(at('type'), 'eq', 'work'), cmp(at('primary'), 'eq', true))),
  ],
  [
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    and(cmp(at('userType'), 'eq', 'Employee'), valuePath(at('emails'), and(cmp(at('type'), 'eq', 'work'), cmp(at('value'), 'co', '@example.com')))),
  ],
  [
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    or(
      valuePath(at('emails'), and(cmp(at('type'), 'eq', 'work'), cmp(at('value'), 'co', '@example.com'))),
      valuePath(at('ims'), and(cmp(at('type'), 'eq', 'xmpp'), cmp(at('value'), 'co', '@foo.com'))),
    ),
  ],
  ['emails[ type eq "work" ]', valuePath(at('emails'), cmp(at('type'), 'eq', 'work'))],
  ['emails[not (type eq "work")]', valuePath(at('emails'), not(cmp(at('type'), 'eq', 'work')))],
  ['not (emails[type eq "work"])', not(valuePath(at('emails'), cmp(at('type'), 'eq', 'work')))],
  ['members[value eq "2819c223"]', valuePath(at('members'), cmp(at('value'), 'eq', '2819c223'))],
  // Entra's matching filter: the element must meet the bracket and the trailing comparison.
  ['emails[type eq "work"].value eq "x@example.com"', valuePath(at('emails'), and(cmp(at('type'), 'eq', 'work'), cmp(at('value'), 'eq', 'x@example.com')))],
  ['emails[type eq "work"].value pr', valuePath(at('emails'), and(cmp(at('type'), 'eq', 'work'), pr(at('value'))))],
  [
    'emails[type eq "work" or type eq "home"].value sw "a"',
    valuePath(at('emails'), and(or(cmp(at('type'), 'eq', 'work'), cmp(at('type'), 'eq', 'home')), cmp(at('value'), 'sw', 'a'))),
  ],
  // Sub-attributes and URN-qualified names; the URN keeps its "2.0".
  ['name.givenName eq "Barbara"', cmp(at('name', 'givenName'), 'eq', 'Barbara')],
  ['emails.value ew ".org"', cmp(at('emails', 'value'), 'ew', '.org')],
  [`${ENTERPRISE}:employeeNumber eq "1"`, cmp(at('employeeNumber', undefined, ENTERPRISE), 'eq', '1')],
  [`${ENTERPRISE}:manager.value eq "26118915"`, cmp(at('manager', 'value', ENTERPRISE), 'eq', '26118915')],
  [
    'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
    cmp(at('userName', undefined, 'urn:ietf:params:scim:schemas:core:2.0:User'), 'sw', 'J'),
  ],
  [
    'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User:costCode co "7"',
    cmp(at('costCode', undefined, 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User'), 'co', '7'),
  ],
  ['members[$ref ew "/Users/1"]', valuePath(at('members'), cmp(at('$ref'), 'ew', '/Users/1'))],
  // Operators and keywords in any case; attribute names keep the client's spelling.
  ['userName EQ "a"', cmp(at('userName'), 'eq', 'a')],
  ['UserName Eq "a" And title PR', and(cmp(at('UserName'), 'eq', 'a'), pr(at('title')))],
  ['a pr OR b pr', or(pr(at('a')), pr(at('b')))],
  ['NOT (a pr)', not(pr(at('a')))],
  ['a gE 1 aNd b Lt 2', and(cmp(at('a'), 'ge', 1), cmp(at('b'), 'lt', 2))],
  // JSON strings with escapes.
  ['userName eq "say \\"hi\\""', cmp(at('userName'), 'eq', 'say "hi"')],
  ['userName eq "back\\\\slash"', cmp(at('userName'), 'eq', 'back\\slash')],
  ['userName eq "caf\\u00e9"', cmp(at('userName'), 'eq', 'café')],
  ['userName eq "tab\\there"', cmp(at('userName'), 'eq', 'tab\there')],
  ['userName eq "a and b or (c)"', cmp(at('userName'), 'eq', 'a and b or (c)')],
  ['userName eq "[x]"', cmp(at('userName'), 'eq', '[x]')],
  ['userName eq ""', cmp(at('userName'), 'eq', '')],
  ['userName eq "x"or title pr', or(cmp(at('userName'), 'eq', 'x'), pr(at('title')))],
  // Numbers, booleans, null.
  ['x eq 12', cmp(at('x'), 'eq', 12)],
  ['x gt -1.5', cmp(at('x'), 'gt', -1.5)],
  ['x lt 2e3', cmp(at('x'), 'lt', 2000)],
  ['x le 0', cmp(at('x'), 'le', 0)],
  ['active eq true', cmp(at('active'), 'eq', true)],
  ['active eq FALSE', cmp(at('active'), 'eq', false)],
  ['title eq null', cmp(at('title'), 'eq', null)],
  ['active eq "true"', cmp(at('active'), 'eq', 'true')],
  // Unquoted values (Microsoft's reference tests send `userName sw O`).
  ['userName sw O', cmp(at('userName'), 'sw', 'O')],
  ['userName eq bjensen@example.com', cmp(at('userName'), 'eq', 'bjensen@example.com')],
  ['x eq 007', cmp(at('x'), 'eq', '007')],
  ['userName eq O and title pr', and(cmp(at('userName'), 'eq', 'O'), pr(at('title')))],
];

describe('parseFilter', () => {
  for (const [text, expected] of VALID) {
    it(`parses ${text}`, () => {
      assert.deepEqual(parseFilter(text), expected);
    });
  }

  for (const [text] of VALID) {
    it(`round-trips ${text} through printFilter to an equal tree`, () => {
      const parsed = parseFilter(text);
      assert.deepEqual(parseFilter(printFilter(parsed)), parsed);
    });
  }

  /** Malformed filters: each is 400 invalidFilter, and the detail says where. */
  const INVALID: [string, RegExp][] = [
    ['userName eq "abc', /Unterminated string starting at character 13/],
    ['userName eq "abc\\"', /Unterminated string starting at character 13/],
    ['userName eq "bad \\x escape"', /string starting at character 13/],
    ['userName eq', /a value was expected, at character 12/],
    ['userName', /an operator was expected, at character 9/],
    ['userName "x"', /Expected an operator but found the string "x" at character 10/],
    ['userName like "x"', /Expected an operator but found "like" at character 10/],
    ['eq "x"', /Expected an operator but found the string "x" at character 4/],
    ['"x" eq "y"', /Expected an attribute name but found the string "x" at character 1/],
    ['a pr and', /an attribute, "not" or "\(" was expected, at character 9/],
    ['and a pr', /Expected an operator but found "a" at character 5/],
    ['a pr or or b pr', /at character 12/],
    ['a eq and', /Expected a value but found "and" at character 6/],
    ['a eq (', /Expected a value but found "\(" at character 6/],
    ['a pr b pr', /Unexpected "b" at character 6/],
    ['a pr)', /Unexpected "\)" at character 5/],
    [')', /found "\)" at character 1/],
    ['(a pr', /"\)" was expected, at character 6/],
    ['(a pr]', /Expected "\)" but found "\]" at character 6/],
    ['not', /was expected, at character 4/],
    ['not ()', /Expected an attribute name but found "\)" at character 6/],
    ['emails[type eq "work"', /"\]" was expected, at character 22/],
    ['emails[]', /found "\]" at character 8/],
    ['emails[type eq "w" and x[y eq 1]]', /Value paths cannot be nested at character 25/],
    ['emails[type eq "work"].value', /an operator was expected, at character 29/],
    ['emails[type eq "work"].value eq', /a value was expected, at character 32/],
    ['emails[type eq "work"].value.x eq "y"', /"value.x" is not a sub-attribute name at character 23/],
    [`emails[type eq "work"].${ENTERPRISE}:x eq "y"`, /is not a sub-attribute name at character 23/],
    ['1abc eq 2', /"1abc" is not a valid attribute name at character 1/],
    ['a..b eq 1', /"a\.\.b" is not a valid attribute name at character 1/],
    ['name.givenName.x eq 1', /is not a valid attribute name at character 1/],
    ['userName eq "x" eq "y"', /Unexpected "eq" at character 17/],
    ['', /empty/],
    ['   ', /empty/],
  ];
  for (const [text, detail] of INVALID) {
    it(`rejects ${JSON.stringify(text)} with 400 invalidFilter and the position`, () => {
      throwsScimError(() => parseFilter(text), { status: 400, scimType: 'invalidFilter', detail });
    });
  }

  describe('limits', () => {
    const { maxLength, maxDepth, maxTerms } = DEFAULT_FILTER_LIMITS;
    const nestedParens = (depth: number) => `${'('.repeat(depth)}a pr${')'.repeat(depth)}`;
    const nestedNots = (depth: number) => `${'not ('.repeat(depth)}a pr${')'.repeat(depth)}`;
    const terms = (count: number) => Array.from({ length: count }, (_, i) => `a${i} pr`).join(' or ');

    it(`accepts a filter of exactly ${maxLength} characters and rejects one more`, () => {
      const exact = `userName eq "${'x'.repeat(maxLength - 'userName eq ""'.length)}"`;
      assert.equal(exact.length, maxLength);
      assert.equal(parseFilter(exact).kind, 'compare');
      throwsScimError(() => parseFilter(`${exact} `), { status: 400, scimType: 'invalidFilter', detail: /longer than 8192 characters at character 8193/ });
    });

    it(`accepts parentheses nested ${maxDepth} deep and rejects ${maxDepth + 1}, naming the position`, () => {
      assert.deepEqual(parseFilter(nestedParens(maxDepth)), pr(at('a')));
      throwsScimError(() => parseFilter(nestedParens(maxDepth + 1)), {
        status: 400,
        scimType: 'invalidFilter',
        detail: new RegExp(`deeper than ${maxDepth} levels at character ${maxDepth + 1}`),
      });
    });

    it('counts "not" and value paths towards the depth', () => {
      assert.equal(parseFilter(nestedNots(maxDepth)).kind, 'not');
      throwsScimError(() => parseFilter(nestedNots(maxDepth + 1)), { status: 400, scimType: 'invalidFilter', detail: /deeper than/ });
      const withValuePath = `${'('.repeat(maxDepth)}emails[type eq "work"]${')'.repeat(maxDepth)}`;
      throwsScimError(() => parseFilter(withValuePath), { status: 400, scimType: 'invalidFilter', detail: /deeper than/ });
    });

    it(`accepts ${maxTerms} comparisons and rejects ${maxTerms + 1}`, () => {
      assert.equal(parseFilter(terms(maxTerms)).kind, 'or');
      throwsScimError(() => parseFilter(terms(maxTerms + 1)), {
        status: 400,
        scimType: 'invalidFilter',
        detail: new RegExp(`more than ${maxTerms} comparisons at character \\d+`),
      });
    });

    it('applies limits given by the caller', () => {
      const limits = { maxLength: 40, maxDepth: 1, maxTerms: 2 };
      assert.equal(parseFilter('(a pr or b pr)', limits).kind, 'or');
      throwsScimError(() => parseFilter('((a pr))', limits), { status: 400, scimType: 'invalidFilter', detail: /deeper than 1 levels/ });
      throwsScimError(() => parseFilter('a pr or b pr or c pr', limits), { status: 400, scimType: 'invalidFilter', detail: /more than 2 comparisons/ });
      throwsScimError(() => parseFilter(`userName eq "${'x'.repeat(40)}"`, limits), { status: 400, scimType: 'invalidFilter', detail: /longer than 40/ });
    });

    it('rejects a deeply nested filter without overflowing the stack', () => {
      throwsScimError(() => parseFilter(nestedParens(4000)), { status: 400, scimType: 'invalidFilter' });
    });
  });
});

describe('printFilter', () => {
  const CANONICAL: [string, string][] = [
    ['userName EQ bjensen', 'userName eq "bjensen"'],
    ['a pr or b pr and c pr', 'a pr or (b pr and c pr)'],
    ['(a pr or b pr) and c pr', '(a pr or b pr) and c pr'],
    ['a pr and (b pr and c pr)', 'a pr and (b pr and c pr)'],
    ['not(a pr)', 'not (a pr)'],
    ['userName eq "say \\"hi\\""', 'userName eq "say \\"hi\\""'],
    ['emails[type eq "work"].value eq "x"', 'emails[type eq "work" and value eq "x"]'],
    ['x eq 2e3', 'x eq 2000'],
    ['title eq NULL', 'title eq null'],
  ];
  for (const [input, printed] of CANONICAL) {
    it(`prints ${input} as ${printed}`, () => {
      assert.equal(printFilter(parseFilter(input)), printed);
    });
  }
});
