import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import type { JsonObject } from '../json.js';
import { userModel } from '../schema/resource-models.js';
import { matchesResource } from './evaluate.js';
import { parseFilter } from './parser.js';
import { printFilter } from './printer.js';

/**
 * Values the main filter tests do not hold: an unknown extension's numbers, booleans, nested
 * arrays and objects (kept as sent, compared by their own JSON type), plain strings as
 * elements, and literals at the edges of the grammar (exponents, -0, keywords as values).
 */
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';

const USER: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', CUSTOM],
  id: 'u1',
  userName: 'alice',
  emails: [null as unknown as JsonObject, { value: 'a@work.example', type: 'work' }],
  meta: { resourceType: 'User', created: '2024-01-02T03:04:05.000Z', lastModified: '2024-06-01T00:00:00.000Z' },
  [CUSTOM]: {
    level: 5,
    code: '5',
    flag: true,
    tags: ['red', 'Blue'],
    emptyLists: [[], []],
    lists: [[], ['x']],
    empty: {},
    nested: { k: 'v' },
    when: 7,
  },
};

const matches = (filter: string) => matchesResource(parseFilter(filter), USER, userModel);

describe('the evaluator on values the schema does not describe', () => {
  const CASES: [string, boolean][] = [
    // Numbers and booleans of an unknown extension compare as numbers and booleans.
    [`${CUSTOM}:level eq 5`, true],
    [`${CUSTOM}:level ge 5`, true],
    [`${CUSTOM}:level le 5`, true],
    [`${CUSTOM}:level gt 5`, false],
    [`${CUSTOM}:level lt 5`, false],
    [`${CUSTOM}:level eq "5"`, false],
    [`${CUSTOM}:code eq 5`, false],
    [`${CUSTOM}:code eq "5"`, true],
    [`${CUSTOM}:level co "5"`, false],
    [`${CUSTOM}:flag eq true`, true],
    [`${CUSTOM}:flag eq "true"`, false],
    [`${CUSTOM}:flag ne false`, true],
    // Strings as elements: a value filter reads each one as its `value`.
    [`${CUSTOM}:tags[value eq "blue"]`, true],
    [`${CUSTOM}:tags[value eq "green"]`, false],
    [`${CUSTOM}:tags[type eq "red"]`, false],
    // Presence: an empty list or object is no value; a list holding one non-empty list is.
    [`${CUSTOM}:emptyLists pr`, false],
    [`${CUSTOM}:lists pr`, true],
    [`${CUSTOM}:empty pr`, false],
    [`${CUSTOM}:nested pr`, true],
    [`${CUSTOM}:missing pr`, false],
    // A null element is no element.
    ['emails[type eq "work"]', true],
    ['emails pr', true],
    ['emails[not (type eq "work")]', false],
    // A dateTime compares as a time, whatever its spelling; text that is no time never matches.
    ['meta.created eq "2024-01-02T03:04:05Z"', true],
    ['meta.created ge "2024-01-02T03:04:05Z"', true],
    ['meta.created le "2024-01-02T03:04:05Z"', true],
    [`${CUSTOM}:when gt "2000-01-01T00:00:00Z"`, false],
  ];
  for (const [filter, expected] of CASES) {
    it(`${expected ? 'matches' : 'does not match'} ${filter}`, () => {
      assert.equal(matches(filter), expected);
    });
  }

  it('refuses a value filter after a sub-attribute, and a path inside one that is not a plain sub-attribute', () => {
    const refused = (filter: string) => throwsScimError(() => matches(filter), { status: 400, scimType: 'invalidFilter' }).detail;
    assert.equal(refused('name.givenName[value eq "x"]'), 'A value filter cannot follow the sub-attribute name.givenName');
    assert.equal(refused('emails[name.givenName eq "x"]'), 'name.givenName is not a sub-attribute of emails');
    assert.equal(refused(`emails[${CUSTOM}:x eq "y"]`), `${CUSTOM}:x is not a sub-attribute of emails`);
  });
});

describe('literals and positions at the edges of the filter grammar', () => {
  it('reads numbers with fractions and signed or unsigned exponents; -0 is 0', () => {
    for (const [text, value] of [
      ['1.25', 1.25],
      ['1e+3', 1000],
      ['2E10', 2e10],
      ['5e-1', 0.5],
    ] as const) {
      assert.deepEqual(parseFilter(`x eq ${text}`), { kind: 'compare', path: { attr: 'x' }, op: 'eq', value }, text);
    }
    const zero = parseFilter('x eq -0');
    assert.ok(zero.kind === 'compare' && Object.is(zero.value, 0), 'the minus sign of zero is dropped');
  });

  it('refuses numbers out of range, keywords as values and NUL in strings, saying where', () => {
    const refused = (filter: string) => throwsScimError(() => parseFilter(filter), { status: 400, scimType: 'invalidFilter' }).detail;
    assert.equal(refused('x eq 1e400'), 'The number 1e400 is out of range at character 6 of "x eq 1e400"');
    assert.equal(refused('x eq -1e400'), 'The number -1e400 is out of range at character 6 of "x eq -1e400"');
    assert.equal(refused('x eq or'), 'Expected a value but found "or" at character 6 of "x eq or"');
    assert.equal(refused('x eq not'), 'Expected a value but found "not" at character 6 of "x eq not"');
    assert.equal(refused('x eq "a\\u0000b"'), 'The string starting at character 6 holds U+0000 or an unpaired surrogate, which no value can contain');
    assert.equal(refused('x eq "\\ud800"'), 'The string starting at character 6 holds U+0000 or an unpaired surrogate, which no value can contain');
    assert.equal(
      refused('name.givenName[value eq "x"].value eq "y"'),
      'A sub-attribute cannot follow a value path on a sub-attribute at character 29 of "name.givenName[value eq \\"x\\"].value eq \\"y\\""',
    );
  });

  it('counts a bare "not" towards the depth, and leaves the depth when a group closes', () => {
    const depth = 32;
    assert.equal(parseFilter(`${'not '.repeat(depth)}a pr`).kind, 'not');
    throwsScimError(() => parseFilter(`${'not '.repeat(depth + 1)}a pr`), { status: 400, scimType: 'invalidFilter', detail: /deeper than 32 levels/ });
    const siblings = Array.from({ length: depth + 8 }, (_, i) => `(a${i} pr)`).join(' and ');
    assert.equal(parseFilter(siblings).kind, 'and');
  });

  it('prints and and or with the parentheses their precedence needs', () => {
    for (const [input, printed] of [
      ['(a pr or b pr) and (c pr or d pr)', '(a pr or b pr) and (c pr or d pr)'],
      ['(a pr and b pr) or c pr', 'a pr and b pr or c pr'],
      ['a pr or b pr or c pr', 'a pr or b pr or c pr'],
      ['a pr and b pr and c pr', 'a pr and b pr and c pr'],
      ['a pr and (b pr and c pr)', 'a pr and (b pr and c pr)'],
      ['a pr or (b pr and c pr)', 'a pr or (b pr and c pr)'],
    ]) {
      assert.equal(printFilter(parseFilter(input)), printed, input);
      assert.deepEqual(parseFilter(printed), parseFilter(input), input);
    }
  });
});
