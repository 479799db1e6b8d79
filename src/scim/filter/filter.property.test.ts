import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fuzzParameters, hostileText } from '../../../test/reliability/support/fuzz-settings.js';
import { ScimError } from '../errors.js';
import type { AttrPath } from '../path/attr-path.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { isStorableText } from '../storable-text.js';
import type { Filter, Literal } from './ast.js';
import { matchesResource } from './evaluate.js';
import { DEFAULT_FILTER_LIMITS, parseFilter } from './parser.js';
import { printFilter } from './printer.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Attribute names, real and made up; the keywords `and`, `or`, `not` are not names a filter can use. */
const name = fc.constantFrom('userName', 'title', 'emails', 'name', 'meta', 'members', 'value', 'type', 'x', '$ref', 'my-attr_2', 'NAME', 'lastModified');
const path: fc.Arbitrary<AttrPath> = fc.record(
  { uri: fc.constantFrom(ENTERPRISE, CORE_USER, 'urn:x'), attr: name, sub: name },
  { requiredKeys: ['attr'] },
);
const innerPath: fc.Arbitrary<AttrPath> = name.map((attr) => ({ attr }));

/** Literals a client can write: storable strings, finite numbers, booleans, null. */
const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }).filter(isStorableText),
  fc.constantFrom("' OR '1'='1", '\\', '"', '%_', '😀'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);
const op = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le' as const);

/** Filter trees the grammar can express; value paths hold only sub-attribute comparisons. */
function filterTree(atom: fc.Arbitrary<AttrPath>, allowValuePath: boolean): fc.Arbitrary<Filter> {
  return fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ kind: fc.constant('compare' as const), path: atom, op, value: literal }),
      fc.record({ kind: fc.constant('present' as const), path: atom }),
      fc.record({ kind: fc.constant('and' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('node') }),
      ...(allowValuePath ? [fc.record({ kind: fc.constant('valuePath' as const), path: path.map(({ uri, attr }) => (uri ? { uri, attr } : { attr })), filter: filterTree(innerPath, false) })] : []),
    ),
  })).node;
}
/** fast-check builds records without a prototype; the parser builds plain objects. */
const filter = filterTree(path, true).map((tree) => JSON.parse(JSON.stringify(tree)) as Filter);

/** Fragments of filter text, to assemble into plausible and broken filters alike. */
const fragment = fc.oneof(
  fc.constantFrom('(', ')', '[', ']', 'and', 'or', 'not', 'pr', 'eq', 'ne', 'co', 'sw', 'gt', 'le', 'EQ', 'And'),
  fc.constantFrom('userName', 'emails', 'emails.value', '.value', 'name.givenName', `${ENTERPRISE}:manager.value`, 'urn:', 'urn:x:', 'a.b.c', '1st'),
  fc.constantFrom('"x"', '"', '"\\"', '"\\u0000"', '"\\ud800"', '"\\q"', 'true', 'null', '42', '-0', '1e400', '-1e400', '1e-400', '0.5e+3', '00'),
  hostileText,
);
const valueText = fc.oneof(
  fc.constantFrom('"x"', 'true', 'False', 'null', '42', '-0', '1e400', '-1e400', '1e-400', '0.5e+3', '1E2', 'bare', '"\\u00e9"'),
  fc.double().map(String),
  fc.integer().map(String),
);
const comparison = fc.tuple(fc.constantFrom('userName', 'title', 'emails.value', 'meta.lastModified', `${ENTERPRISE}:manager.value`), fc.constantFrom('eq', 'gt', 'co', 'pr'), valueText).map(([p, o, v]) =>
  o === 'pr' ? `${p} pr` : `${p} ${o} ${v}`,
);
/** Mostly well-formed filters with a fragment dropped in at random: the inputs most likely to slip through. */
const structuredText = fc
  .tuple(fc.array(comparison, { minLength: 1, maxLength: 4 }), fc.constantFrom(' and ', ' or ', ' and not '), fc.option(fc.tuple(fc.nat(), fragment)))
  .map(([parts, joiner, insert]) => {
    const text = parts.join(joiner);
    if (!insert) return text;
    const at = insert[0] % (text.length + 1);
    return `${text.slice(0, at)} ${insert[1]} ${text.slice(at)}`;
  });
const mutatedText = fc.oneof(
  structuredText,
  fc.array(fragment, { maxLength: 14 }).chain((parts) => fc.constantFrom(' ', '').map((sep) => parts.join(sep))),
);

/** parseFilter may return a tree or throw 400 invalidFilter; anything else is a crash. */
function parseOrRefuse(text: string): Filter | undefined {
  try {
    return parseFilter(text);
  } catch (error) {
    assert.ok(error instanceof ScimError, `${JSON.stringify(text)} threw ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.scimType, 'invalidFilter');
    assert.ok(error.detail.length > 0);
    return undefined;
  }
}

describe('filter parser properties', () => {
  it('parses the printed form of any filter tree back to the same tree', () => {
    fc.assert(
      fc.property(filter, (tree) => {
        assert.deepEqual(parseFilter(printFilter(tree)), tree);
      }),
      fuzzParameters(2000),
    );
  });

  it('never crashes on mutated filter text: a tree or 400 invalidFilter, and a parsed tree round-trips', () => {
    fc.assert(
      fc.property(mutatedText, (text) => {
        const parsed = parseOrRefuse(text);
        if (parsed === undefined) return;
        const printed = printFilter(parsed);
        assert.deepEqual(parseFilter(printed), parsed, `${text} → ${printed}`);
        assert.equal(printFilter(parseFilter(printed)), printed);
      }),
      fuzzParameters(3000),
    );
  });

  it('never crashes on arbitrary text, including lone surrogates and control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        parseOrRefuse(text);
      }),
      fuzzParameters(2000),
    );
  });

  it('evaluates any parsed filter against a resource to a boolean or a 400, never a crash', () => {
    const resource = { userName: 'alice', emails: [{ value: 'a@example.com', type: 'work', primary: true }], name: { givenName: 'A' }, meta: { lastModified: '2020-01-01T00:00:00Z' }, title: 7 };
    fc.assert(
      fc.property(fc.oneof(filter, mutatedText.map((text) => parseOrRefuse(text))), fc.constantFrom(userModel, groupModel), (tree, model) => {
        if (tree === undefined) return;
        try {
          assert.equal(typeof matchesResource(tree, resource, model), 'boolean');
        } catch (error) {
          assert.ok(error instanceof ScimError && error.status === 400, `${printFilter(tree)} threw ${String(error)}`);
        }
      }),
      fuzzParameters(2000),
    );
  });

  it('refuses deep nesting of any kind with 400, never overflowing the stack', () => {
    fc.assert(
      fc.property(fc.integer({ min: DEFAULT_FILTER_LIMITS.maxDepth + 1, max: 50_000 }), fc.constantFrom('(', 'not ', 'not (', 'emails['), (depth, opener) => {
        const closer = opener.includes('[') ? ']' : opener.includes('(') ? ')' : '';
        const text = `${opener.repeat(depth)}userName pr${closer.repeat(depth)}`;
        const tree = parseOrRefuse(text.slice(0, 200_000));
        assert.equal(tree, undefined);
      }),
      fuzzParameters(40),
    );
  });

  it('refuses filters longer than the limit, and huge string literals, with 400', () => {
    fc.assert(
      fc.property(fc.integer({ min: DEFAULT_FILTER_LIMITS.maxLength, max: 1_000_000 }), (length) => {
        const text = `userName eq "${'a'.repeat(length)}"`;
        assert.equal(parseOrRefuse(text), undefined);
      }),
      fuzzParameters(20),
    );
  });
});
