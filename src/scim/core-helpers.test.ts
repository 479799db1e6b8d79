import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foldCase } from './compare.js';
import * as errors from './errors.js';
import { ERROR_SCHEMA, ScimError } from './errors.js';
import { cloneJson, findKey, isJsonObject, jsonEqual, ownValue, type JsonObject } from './json.js';
import { findUnstorableText, isStorableText } from './storable-text.js';

describe('errors: every constructor gives the RFC 7644 §3.12 status and scimType', () => {
  const expected: [keyof typeof errors, number, string | undefined][] = [
    ['invalidFilter', 400, 'invalidFilter'],
    ['invalidPath', 400, 'invalidPath'],
    ['invalidSyntax', 400, 'invalidSyntax'],
    ['invalidValue', 400, 'invalidValue'],
    ['mutability', 400, 'mutability'],
    ['noTarget', 400, 'noTarget'],
    ['tooMany', 400, 'tooMany'],
    ['invalidCursor', 400, 'invalidCursor'],
    ['expiredCursor', 400, 'expiredCursor'],
    ['invalidCount', 400, 'invalidCount'],
    ['invalidVersion', 400, 'invalidVers'],
    ['uniqueness', 409, 'uniqueness'],
    ['badRequest', 400, undefined],
    ['unauthorized', 401, undefined],
    ['forbidden', 403, undefined],
    ['notFound', 404, undefined],
    ['methodNotAllowed', 405, undefined],
    ['conflict', 409, undefined],
    ['preconditionFailed', 412, undefined],
    ['payloadTooLarge', 413, undefined],
    ['unsupportedMediaType', 415, undefined],
    ['notImplemented', 501, undefined],
    ['unavailable', 503, undefined],
  ];
  for (const [name, status, scimType] of expected) {
    test(`${name}: ${status}${scimType ? ` ${scimType}` : ''}`, () => {
      const error = (errors[name] as (detail: string) => ScimError)('the detail');
      assert.ok(error instanceof ScimError && error instanceof Error);
      assert.equal(error.name, 'ScimError');
      assert.equal(error.message, 'the detail');
      const body: Record<string, unknown> = { schemas: [ERROR_SCHEMA], status: String(status), detail: 'the detail' };
      if (scimType) body.scimType = scimType;
      assert.deepEqual(error.toBody(), body);
      assert.equal(error.status, status);
    });
  }

  test('resourceNotFound names the type and the quoted id', () => {
    const error = errors.resourceNotFound('User', 'a"b');
    assert.equal(error.status, 404);
    assert.equal(error.detail, 'User "a\\"b" not found');
    assert.equal(error.toBody().scimType, undefined);
    assert.equal(ERROR_SCHEMA, 'urn:ietf:params:scim:api:messages:2.0:Error');
  });
});

describe('json helpers', () => {
  test('isJsonObject: only plain objects', () => {
    assert.equal(isJsonObject({}), true);
    for (const value of [null, [], 'x', 1, true, undefined]) assert.equal(isJsonObject(value), false, String(value));
  });

  test('ownValue never reaches Object.prototype', () => {
    const object: JsonObject = { a: 1 };
    assert.equal(ownValue(object, 'a'), 1);
    assert.equal(ownValue(object, 'constructor'), undefined);
    assert.equal(ownValue(object, 'toString'), undefined);
  });

  test('findKey: exact first, then case-insensitive, never inherited', () => {
    assert.equal(findKey({ userName: 1, username: 2 }, 'username'), 'username');
    assert.equal(findKey({ userName: 1 }, 'USERNAME'), 'userName');
    assert.equal(findKey({ userName: 1 }, 'name'), undefined);
    assert.equal(findKey({}, 'constructor'), undefined);
  });

  test('jsonEqual: structure, not identity or key order', () => {
    assert.equal(jsonEqual({ a: [1, { b: 'x' }], c: null }, { c: null, a: [1, { b: 'x' }] }), true);
    assert.equal(jsonEqual([1, 2], [1, 2]), true);
    assert.equal(jsonEqual('1', 1), false);
    assert.equal(jsonEqual(null, {}), false);
    assert.equal(jsonEqual({}, null), false);
    assert.equal(jsonEqual(1, 2), false);
    assert.equal(jsonEqual([1], { 0: 1 }), false);
    assert.equal(jsonEqual({ 0: 1 }, [1]), false);
    assert.equal(jsonEqual([1, 2], [1]), false);
    assert.equal(jsonEqual([1, 2], [1, 3]), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: 2 }), false);
    assert.equal(jsonEqual({ a: 1, b: 2 }, { a: 1, c: 2 }), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 2 }), false);
    assert.equal(jsonEqual({ a: undefined }, { b: undefined }), false);
  });

  test('cloneJson copies deeply', () => {
    const original: JsonObject = { a: { b: [1] } };
    const copy = cloneJson(original);
    assert.deepEqual(copy, original);
    (copy.a as JsonObject).b = [2];
    assert.deepEqual(original, { a: { b: [1] } });
  });

  test('foldCase lowers case', () => {
    assert.equal(foldCase('AbC'), 'abc');
  });
});

describe('storable text', () => {
  test('NUL and unpaired surrogates are refused, pairs and ordinary text kept', () => {
    assert.equal(isStorableText('plain ü 😀'), true);
    assert.equal(isStorableText('a\u0000b'), false);
    assert.equal(isStorableText('a\ud800'), false);
    assert.equal(isStorableText('\ud800a'), false);
    assert.equal(isStorableText('a\udc00'), false);
    assert.equal(isStorableText('\udc00\ud800'), false);
    assert.equal(isStorableText('\ud83d\ude00'), true);
  });

  test('findUnstorableText walks values, arrays and keys', () => {
    assert.equal(findUnstorableText({ a: ['ok', { b: 'x\u0000' }] }), 'x\u0000');
    assert.equal(findUnstorableText({ ['k\ud800']: 'v' }), 'k\ud800');
    assert.equal(findUnstorableText(['fine', 1, null, true, { c: 'also fine' }]), undefined);
    assert.equal(findUnstorableText('\udc00'), '\udc00');
    assert.equal(findUnstorableText(null), undefined);
    assert.equal(findUnstorableText([[['deep\u0000']]]), 'deep\u0000');
  });
});
