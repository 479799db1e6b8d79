import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError, type ExpectedScimError } from '../../../test/support/throws-scim-error.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { PATCH_OP_SCHEMA } from '../schema/urns.js';
import { parsePatchPath, type PatchPath } from './patch-path.js';
import { parsePatchRequest } from './patch-request.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';

describe('parsePatchRequest', () => {
  it('reads Entra\'s capitalised ops as add, replace and remove, in order, with their positions', () => {
    const operations = parsePatchRequest(
      {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'Add', path: 'nickName', value: 'Babs' },
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Remove', path: 'title' },
          { op: 'REPLACE', value: { displayName: 'X' } },
        ],
      },
      userModel,
    );
    assert.deepEqual(
      operations.map((o) => [o.op, o.path?.text, o.value, o.index]),
      [
        ['add', 'nickName', 'Babs', 0],
        ['replace', 'active', 'False', 1],
        ['remove', 'title', undefined, 2],
        ['replace', undefined, { displayName: 'X' }, 3],
      ],
    );
  });

  it('matches the member names "Operations", "op", "path" and "value" case-insensitively', () => {
    const [operation] = parsePatchRequest({ operations: [{ OP: 'add', Path: 'title', Value: 'Dr' }] }, userModel);
    assert.equal(operation.op, 'add');
    assert.equal(operation.path?.text, 'title');
    assert.equal(operation.value, 'Dr');
  });

  it('accepts a body without schemas, and a schemas list naming PatchOp in another case', () => {
    assert.equal(parsePatchRequest({ Operations: [{ op: 'remove', path: 'title' }] }, userModel).length, 1);
    assert.equal(parsePatchRequest({ schemas: [PATCH_OP_SCHEMA.toUpperCase()], Operations: [{ op: 'remove', path: 'title' }] }, userModel).length, 1);
  });

  it('treats an empty or null path as no path', () => {
    const operations = parsePatchRequest({ Operations: [{ op: 'replace', path: '', value: { title: 'x' } }, { op: 'replace', path: null, value: { title: 'y' } }] }, userModel);
    assert.deepEqual(operations.map((o) => o.path), [undefined, undefined]);
  });

  it('keeps an explicit null value, which add and replace treat as removal', () => {
    const [operation] = parsePatchRequest({ Operations: [{ op: 'replace', path: 'title', value: null }] }, userModel);
    assert.ok('value' in operation);
    assert.equal(operation.value, null);
  });

  const INVALID: [string, unknown, ExpectedScimError][] = [
    ['a body that is not an object', [1, 2], { status: 400, scimType: 'invalidSyntax' }],
    ['a body that is a string', 'add', { status: 400, scimType: 'invalidSyntax' }],
    ['schemas without PatchOp', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'remove', path: 'title' }] }, { status: 400, scimType: 'invalidSyntax', detail: /PatchOp/ }],
    ['schemas that is not an array', { schemas: PATCH_OP_SCHEMA, Operations: [{ op: 'remove', path: 'title' }] }, { status: 400, scimType: 'invalidSyntax' }],
    ['no Operations', { schemas: [PATCH_OP_SCHEMA] }, { status: 400, scimType: 'invalidSyntax', detail: /Operations/ }],
    ['empty Operations', { Operations: [] }, { status: 400, scimType: 'invalidSyntax', detail: /non-empty/ }],
    ['Operations that is an object', { Operations: { op: 'add' } }, { status: 400, scimType: 'invalidSyntax' }],
    ['an operation that is not an object', { Operations: ['add'] }, { status: 400, scimType: 'invalidSyntax', detail: /^Operation 1/ }],
    ['an unknown op', { Operations: [{ op: 'remove', path: 'title' }, { op: 'copy', path: 'title', value: 'x' }] }, { status: 400, scimType: 'invalidSyntax', detail: /^Operation 2: "op" must be add, replace or remove/ }],
    ['a missing op', { Operations: [{ path: 'title', value: 'x' }] }, { status: 400, scimType: 'invalidSyntax', detail: /"op"/ }],
    ['an op that is not a string', { Operations: [{ op: 1, path: 'title', value: 'x' }] }, { status: 400, scimType: 'invalidSyntax' }],
    ['a path that is not a string', { Operations: [{ op: 'add', path: ['title'], value: 'x' }] }, { status: 400, scimType: 'invalidSyntax', detail: /"path" must be a string/ }],
    ['add without a value', { Operations: [{ op: 'add', path: 'title' }] }, { status: 400, scimType: 'invalidValue', detail: /Operation 1: "add" needs a value/ }],
    ['replace without a value', { Operations: [{ op: 'Replace', path: 'title' }] }, { status: 400, scimType: 'invalidValue', detail: /"replace" needs a value/ }],
    ['a malformed attribute path', { Operations: [{ op: 'add', path: 'name..givenName', value: 'x' }] }, { status: 400, scimType: 'invalidPath' }],
    ['a malformed value filter in the path', { Operations: [{ op: 'remove', path: 'emails[type eq]' }] }, { status: 400, scimType: 'invalidPath', detail: /filter in the path/ }],
  ];
  for (const [label, body, expected] of INVALID) {
    it(`rejects ${label}`, () => {
      throwsScimError(() => parsePatchRequest(body, userModel), expected);
    });
  }

  it('rejects more operations than the limit with 400 tooMany', () => {
    const body = { Operations: Array.from({ length: 4 }, () => ({ op: 'remove', path: 'title' })) };
    assert.equal(parsePatchRequest(body, userModel, 4).length, 4);
    throwsScimError(() => parsePatchRequest(body, userModel, 3), { status: 400, scimType: 'tooMany' });
  });
});

describe('parsePatchPath', () => {
  const PATHS: [string, PatchPath][] = [
    ['userName', { kind: 'attribute', path: { attr: 'userName' }, text: 'userName' }],
    ['name.familyName', { kind: 'attribute', path: { attr: 'name', sub: 'familyName' }, text: 'name.familyName' }],
    [
      `${ENTERPRISE}:employeeNumber`,
      { kind: 'attribute', path: { uri: ENTERPRISE, attr: 'employeeNumber' }, text: `${ENTERPRISE}:employeeNumber` },
    ],
    [`${ENTERPRISE}:manager.value`, { kind: 'attribute', path: { uri: ENTERPRISE, attr: 'manager', sub: 'value' }, text: `${ENTERPRISE}:manager.value` }],
    [ENTERPRISE, { kind: 'extension', uri: ENTERPRISE, text: ENTERPRISE }],
    [ENTERPRISE.toLowerCase(), { kind: 'extension', uri: ENTERPRISE, text: ENTERPRISE.toLowerCase() }],
    [CUSTOM, { kind: 'extension', uri: CUSTOM, text: CUSTOM }],
    [`${CUSTOM}:attr`, { kind: 'attribute', path: { uri: CUSTOM, attr: 'attr' }, text: `${CUSTOM}:attr` }],
    [
      'emails[type eq "work"]',
      { kind: 'attribute', path: { attr: 'emails' }, filter: { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' }, text: 'emails[type eq "work"]' },
    ],
    [
      'emails[type eq "work"].value',
      {
        kind: 'attribute',
        path: { attr: 'emails', sub: 'value' },
        filter: { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' },
        text: 'emails[type eq "work"].value',
      },
    ],
    [
      'members[value eq "a]b"]',
      { kind: 'attribute', path: { attr: 'members' }, filter: { kind: 'compare', path: { attr: 'value' }, op: 'eq', value: 'a]b' }, text: 'members[value eq "a]b"]' },
    ],
    ['  title  ', { kind: 'attribute', path: { attr: 'title' }, text: 'title' }],
  ];
  for (const [text, expected] of PATHS) {
    it(`parses ${text}`, () => {
      assert.deepEqual(parsePatchPath(text, userModel), expected);
    });
  }

  const INVALID: [string, RegExp][] = [
    ['   ', /empty/],
    ['emails[type eq "work"', /unclosed|filter/],
    ['emails]type eq "work"[', /unclosed/],
    ['name.givenName[type eq "x"]', /must follow a multi-valued attribute/],
    ['emails[type eq "work"].value.display', /Unexpected/],
    ['emails[type eq "work"]x', /Unexpected/],
    ['emails[type eq "work"][primary eq true]', /invalid|Unexpected/],
    ['9lives', /not a valid attribute path/],
  ];
  for (const [text, detail] of INVALID) {
    it(`rejects ${JSON.stringify(text)} with 400 invalidPath`, () => {
      throwsScimError(() => parsePatchPath(text, groupModel), { status: 400, scimType: 'invalidPath', detail });
    });
  }
});
