import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import type { JsonObject } from '../json.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { applyProjection, includesMembership, parseProjection } from './projection.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const SCHEMAS = [USER_SCHEMA, ENTERPRISE, CUSTOM];

const META = { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-01-02T00:00:00Z', location: 'http://x/Users/u1', version: 'W/"1"' };
const EMAILS: JsonObject[] = [
  { value: 'w@x.com', type: 'work', primary: true },
  { value: 'h@x.com', type: 'home' },
];

/** A full representation; it carries a password to prove projection never lets one through. */
const USER: JsonObject = {
  schemas: SCHEMAS,
  id: 'u1',
  externalId: 'e1',
  userName: 'alice',
  password: 'must-not-leak',
  displayName: 'Alice',
  name: { givenName: 'Alice', familyName: 'Smith' },
  emails: EMAILS,
  [ENTERPRISE]: { employeeNumber: '1', department: 'D', manager: { value: 'm1', displayName: 'Boss' } },
  [CUSTOM]: { attr: 'v' },
  groups: [{ value: 'g1', display: 'Eng' }],
  meta: META,
};

const { password: _password, ...DEFAULT_VIEW } = USER;

/** [attributes, excludedAttributes, what remains]. */
const CASES: [string | string[] | undefined, string | undefined, JsonObject][] = [
  [undefined, undefined, DEFAULT_VIEW],
  ['userName', undefined, { schemas: SCHEMAS, id: 'u1', userName: 'alice' }],
  ['USERNAME,DisplayName', undefined, { schemas: SCHEMAS, id: 'u1', userName: 'alice', displayName: 'Alice' }],
  [['userName', 'displayName'], undefined, { schemas: SCHEMAS, id: 'u1', userName: 'alice', displayName: 'Alice' }],
  [' userName , externalId ', undefined, { schemas: SCHEMAS, id: 'u1', externalId: 'e1', userName: 'alice' }],
  ['name.givenName', undefined, { schemas: SCHEMAS, id: 'u1', name: { givenName: 'Alice' } }],
  ['name.givenName,name.familyName', undefined, { schemas: SCHEMAS, id: 'u1', name: { givenName: 'Alice', familyName: 'Smith' } }],
  ['name,name.givenName', undefined, { schemas: SCHEMAS, id: 'u1', name: { givenName: 'Alice', familyName: 'Smith' } }],
  ['emails.value', undefined, { schemas: SCHEMAS, id: 'u1', emails: [{ value: 'w@x.com' }, { value: 'h@x.com' }] }],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName', undefined, { schemas: SCHEMAS, id: 'u1', userName: 'alice' }],
  [`${ENTERPRISE}:department`, undefined, { schemas: SCHEMAS, id: 'u1', [ENTERPRISE]: { department: 'D' } }],
  [`${ENTERPRISE}:manager.value`, undefined, { schemas: SCHEMAS, id: 'u1', [ENTERPRISE]: { manager: { value: 'm1' } } }],
  ['employeeNumber', undefined, { schemas: SCHEMAS, id: 'u1', [ENTERPRISE]: { employeeNumber: '1' } }],
  [ENTERPRISE, undefined, { schemas: SCHEMAS, id: 'u1', [ENTERPRISE]: USER[ENTERPRISE] }],
  [CUSTOM, undefined, { schemas: SCHEMAS, id: 'u1', [CUSTOM]: { attr: 'v' } }],
  [`${CUSTOM}:attr`, undefined, { schemas: SCHEMAS, id: 'u1', [CUSTOM]: { attr: 'v' } }],
  ['meta.created', undefined, { schemas: SCHEMAS, id: 'u1', meta: { created: META.created } }],
  // id is returned always, password never.
  ['id', undefined, { schemas: SCHEMAS, id: 'u1' }],
  ['password', undefined, { schemas: SCHEMAS, id: 'u1' }],
  ['password,userName', undefined, { schemas: SCHEMAS, id: 'u1', userName: 'alice' }],
  ['noSuchAttribute', undefined, { schemas: SCHEMAS, id: 'u1' }],
  // Microsoft's reference tests narrow a multi-valued attribute to matching elements.
  ['emails[type eq "work"]', undefined, { schemas: SCHEMAS, id: 'u1', emails: [EMAILS[0]] }],
  ['emails[type eq "home" or primary eq true]', undefined, { schemas: SCHEMAS, id: 'u1', emails: EMAILS }],
  ['emails[type eq "pager"]', undefined, { schemas: SCHEMAS, id: 'u1' }],
  ['userName,emails[type eq "work"]', undefined, { schemas: SCHEMAS, id: 'u1', userName: 'alice', emails: [EMAILS[0]] }],
  // excludedAttributes.
  [undefined, 'emails', omit(DEFAULT_VIEW, 'emails')],
  [undefined, 'emails,name,meta', omit(DEFAULT_VIEW, 'emails', 'name', 'meta')],
  [undefined, 'name.givenName', { ...DEFAULT_VIEW, name: { familyName: 'Smith' } }],
  [undefined, 'emails.primary', { ...DEFAULT_VIEW, emails: [{ value: 'w@x.com', type: 'work' }, { value: 'h@x.com', type: 'home' }] }],
  [undefined, 'id', DEFAULT_VIEW],
  [undefined, 'schemas', DEFAULT_VIEW],
  [undefined, ENTERPRISE, omit(DEFAULT_VIEW, ENTERPRISE)],
  [undefined, CUSTOM, omit(DEFAULT_VIEW, CUSTOM)],
  [undefined, `${ENTERPRISE}:department`, { ...DEFAULT_VIEW, [ENTERPRISE]: { employeeNumber: '1', manager: { value: 'm1', displayName: 'Boss' } } }],
  [undefined, `${ENTERPRISE}:employeeNumber,${ENTERPRISE}:department,${ENTERPRISE}:manager`, omit(DEFAULT_VIEW, ENTERPRISE)],
  [undefined, 'groups', omit(DEFAULT_VIEW, 'groups')],
  [undefined, 'noSuchAttribute', DEFAULT_VIEW],
  // attributes wins over excludedAttributes when both are given.
  ['userName', 'userName', { schemas: SCHEMAS, id: 'u1', userName: 'alice' }],
];

function omit(object: JsonObject, ...keys: string[]): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

describe('applyProjection', () => {
  for (const [attributes, excluded, expected] of CASES) {
    const label = [attributes === undefined ? '' : `attributes=${String(attributes)}`, excluded === undefined ? '' : `excludedAttributes=${excluded}`].filter(Boolean).join(' ') || 'no parameters';
    it(`projects ${label}`, () => {
      const projection = parseProjection(userModel, attributes, excluded);
      assert.deepEqual(applyProjection(userModel, USER, projection), expected);
    });
  }

  it('rejects a malformed attribute path with 400 invalidValue', () => {
    throwsScimError(() => parseProjection(userModel, 'name..givenName', undefined), { status: 400, scimType: 'invalidValue', detail: /attributes/ });
    throwsScimError(() => parseProjection(userModel, undefined, '9lives'), { status: 400, scimType: 'invalidValue', detail: /excludedAttributes/ });
  });

  it('rejects attributes that are not strings with 400 invalidValue', () => {
    throwsScimError(() => parseProjection(userModel, [1, 2], undefined), { status: 400, scimType: 'invalidValue' });
  });

  it('rejects a malformed value filter in attributes with 400', () => {
    throwsScimError(() => parseProjection(userModel, 'emails[type eq]', undefined), { status: 400, scimType: 'invalidFilter' });
  });
});

describe('includesMembership', () => {
  const CASES: [string | undefined, string | undefined, boolean][] = [
    [undefined, undefined, true],
    [undefined, 'members', false],
    [undefined, 'MEMBERS', false],
    [undefined, 'displayName', true],
    ['displayName', undefined, false],
    ['members', undefined, true],
    ['members.value', undefined, true],
    ['displayName,members', undefined, true],
  ];
  for (const [attributes, excluded, expected] of CASES) {
    it(`is ${expected} for a group with attributes=${attributes ?? '-'} excludedAttributes=${excluded ?? '-'}`, () => {
      assert.equal(includesMembership(groupModel, parseProjection(groupModel, attributes, excluded)), expected);
    });
  }

  it('drops members from a group when excluded (Entra G1, G3)', () => {
    const group: JsonObject = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Eng', members: [{ value: 'u1' }] };
    const projected = applyProjection(groupModel, group, parseProjection(groupModel, undefined, 'members'));
    assert.deepEqual(projected, { schemas: group.schemas, id: 'g1', displayName: 'Eng' });
  });
});
