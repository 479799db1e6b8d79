import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partialMatch, readPointer } from './partial-match.js';

const ok = (expected: unknown, actual: unknown) => assert.deepEqual(partialMatch(expected, actual), []);
const fails = (expected: unknown, actual: unknown, pointer: string) => {
  const mismatches = partialMatch(expected, actual);
  assert.ok(mismatches.length > 0, `expected a mismatch for ${JSON.stringify(expected)} against ${JSON.stringify(actual)}`);
  assert.equal(mismatches[0].pointer, pointer);
};

describe('the fixture matcher', () => {
  it('compares scalars strictly, type included', () => {
    ok('a', 'a');
    ok(0, 0);
    ok(null, null);
    fails('1', 1, '');
    fails(false, 'False', '');
    fails(null, undefined, '');
  });

  it('ignores keys the expected object does not mention, and names the path of a wrong one', () => {
    ok({ a: 1 }, { a: 1, b: 2 });
    fails({ a: { b: 'x' } }, { a: { b: 'y' } }, '/a/b');
    fails({ a: 1 }, { b: 1 }, '/a');
  });

  it('matches plain arrays element by element with the same length', () => {
    ok([{ v: 1 }, { v: 2 }], [{ v: 1, x: 0 }, { v: 2 }]);
    fails([{ v: 1 }], [{ v: 1 }, { v: 2 }], '');
    fails([{ v: 1 }, { v: 2 }], [{ v: 2 }, { v: 1 }], '/0/v');
    fails([], {}, '');
  });

  it('$absent requires the key to be missing', () => {
    ok({ password: { $absent: true } }, { userName: 'x' });
    fails({ password: { $absent: true } }, { password: null }, '/password');
  });

  it('$type, $nonEmpty and $length test the value', () => {
    ok({ n: { $type: 'integer' } }, { n: 3 });
    ok({ n: { $type: 'number' } }, { n: 3 });
    fails({ n: { $type: 'integer' } }, { n: '3' }, '/n');
    fails({ n: { $type: 'integer' } }, { n: 1.5 }, '/n');
    ok({ s: { $nonEmpty: true } }, { s: 'x' });
    fails({ s: { $nonEmpty: true } }, { s: '' }, '/s');
    fails({ s: { $nonEmpty: true } }, {}, '/s');
    ok({ r: { $length: 2 } }, { r: [1, 2] });
    fails({ r: { $length: 2 } }, { r: [1] }, '/r');
  });

  it('$contains finds each expected element somewhere in the array', () => {
    ok({ m: { $contains: [{ value: 'b' }, { value: 'a' }] } }, { m: [{ value: 'a', $ref: 'x' }, { value: 'b' }] });
    fails({ m: { $contains: [{ value: 'c' }] } }, { m: [{ value: 'a' }] }, '/m');
    fails({ m: { $contains: ['a'] } }, { m: 'a' }, '/m');
  });

  it('treats $ref as an ordinary key, not a marker', () => {
    ok({ manager: { $ref: 'u' } }, { manager: { $ref: 'u', value: '1' } });
    fails({ manager: { $ref: 'u' } }, { manager: { value: '1' } }, '/manager/$ref');
  });

  it('reads JSON Pointers, including URN keys with dots', () => {
    const doc = { Resources: [{ id: 'a' }], 'urn:x:2.0:User': { 'a/b': 1 } };
    assert.equal(readPointer(doc, '/Resources/0/id'), 'a');
    assert.equal(readPointer(doc, '/urn:x:2.0:User/a~1b'), 1);
    assert.equal(readPointer(doc, '/Resources/1/id'), undefined);
  });
});
