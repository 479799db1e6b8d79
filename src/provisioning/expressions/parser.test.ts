import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionError } from './expression-error.js';
import { parseExpression } from './parser.js';

describe('expression parser', () => {
  it('parses calls, attributes with spaces, strings with escapes, numbers and omitted arguments', () => {
    assert.deepEqual(parseExpression('Join(" \\"x\\" \\\\", [First Name], -3, , "")'), {
      kind: 'call',
      name: 'Join',
      at: 0,
      args: [
        { kind: 'string', value: ' "x" \\', at: 5 },
        { kind: 'attribute', name: 'First Name', at: 18 },
        { kind: 'number', value: '-3', at: 32 },
        undefined,
        { kind: 'string', value: '', at: 38 },
      ],
    });
  });

  it('parses one comparison as an argument', () => {
    const expr = parseExpression('IIF([a] >= 3, "x", "y")');
    assert.equal(expr.kind, 'call');
    assert.deepEqual((expr as { args: unknown[] }).args[0], {
      kind: 'compare',
      op: '>=',
      at: 4,
      left: { kind: 'attribute', name: 'a', at: 4 },
      right: { kind: 'number', value: '3', at: 11 },
    });
  });

  /** [expression, message, 1-based character it points at] */
  const ERRORS: [string, RegExp, number][] = [
    ['', /empty/, 1],
    ['Join(",", [a]', /Expected "," or "\)" in the arguments of Join but found the end/, 14],
    ['Join(",", [a] [b])', /Expected "," or "\)" in the arguments of Join but found the attribute \[b\]/, 15],
    ['toLower([a])', /Unknown function toLower; function names are case-sensitive: did you mean ToLower\?/, 1],
    ['Frobnicate([a])', /Unknown function Frobnicate$/, 1],
    ['Join(",", ToLowr([a]))', /Unknown function ToLowr; did you mean ToLower\?$/, 11],
    ['Coalsece([a], [b])', /Unknown function Coalsece; did you mean Coalesce\?$/, 1],
    ['DateAd("d", 1, Now())', /Unknown function DateAd; did you mean DateAdd\?$/, 1],
    ['ToLower(SelectUniqueValue([a], [b]))', /SelectUniqueValue must be the outermost/, 9],
    ['BitAnd(&HZ, 1)', /hexadecimal number is &H and hex digits/, 8],
    ['Left([a])', /Left takes 2 arguments, not 1/, 1],
    ['Switch([a], "d", "k")', /Switch takes at least 4 \(an even number of\) arguments, not 3/, 1],
    ['Switch([a], "d", "k", "v", "k2")', /an even number of/, 1],
    ['Join(",", givenName)', /Unknown name "givenName"; write attributes in square brackets, like \[givenName\]/, 11],
    ['Append([a, "x")', /no closing "\]"/, 8],
    ['Append([a], "x)', /no closing quote/, 13],
    ['Append([], "x")', /attribute name is missing/, 8],
    ['[a] [b]', /Unexpected the attribute \[b\]/, 5],
    ['IIF([a] = "x" = "y", "1", "2")', /Expected "," or "\)"/, 15],
    ['[a] = "x" = "y"', /Only one comparison/, 11],
    ['Join(, "x")', /first argument of Join is missing/, 6],
    ['Append([a], @)', /Unexpected character "@"/, 13],
    ['ToLower(IgnoreFlowIfNullOrEmpty([a]))', /IgnoreFlowIfNullOrEmpty must be the outermost/, 9],
    ['Join(",", "a",', /ends too early|Expected/, 15],
    ['"x".length', /Unexpected character "\."/, 4],
  ];
  for (const [expression, message, character] of ERRORS) {
    it(`rejects ${JSON.stringify(expression)} at character ${character}`, () => {
      assert.throws(() => parseExpression(expression), (error: unknown) => {
        assert.ok(error instanceof ExpressionError, String(error));
        assert.match(error.reason, message);
        assert.equal(error.offset + 1, character, error.message);
        assert.match(error.message, new RegExp(`at character ${character}$`));
        return true;
      });
    });
  }

  it('explains an error with the expression and a caret under the character', () => {
    try {
      parseExpression('Join(" ", [givenName] [surname])');
      assert.fail('expected an error');
    } catch (error) {
      assert.equal(
        (error as ExpressionError).explain(),
        [
          'Expected "," or ")" in the arguments of Join but found the attribute [surname] at character 23',
          '  Join(" ", [givenName] [surname])',
          '                        ^',
        ].join('\n'),
      );
    }
  });

  it('reads numbers as exact decimal text, hexadecimal (&H) included', () => {
    assert.deepEqual(parseExpression('DateFromNum(129699324000000001)'), { kind: 'call', name: 'DateFromNum', at: 0, args: [{ kind: 'number', value: '129699324000000001', at: 12 }] });
    assert.deepEqual(parseExpression('BitAnd(&HF7, &hff)'), {
      kind: 'call',
      name: 'BitAnd',
      at: 0,
      args: [
        { kind: 'number', value: '247', at: 7 },
        { kind: 'number', value: '255', at: 13 },
      ],
    });
  });

  it('refuses expressions longer than Entra allows', () => {
    assert.throws(() => parseExpression(`Join(",", ${'"a",'.repeat(2600)}"a")`), /longer than 10000 characters/);
  });
});
