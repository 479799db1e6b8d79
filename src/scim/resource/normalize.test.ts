import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError, type ExpectedScimError } from '../../../test/support/throws-scim-error.js';
import type { JsonObject } from '../json.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { normalizeResource, type ResourceInput } from './normalize.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';

/** User bodies and the stored document each becomes. */
const USER_CASES: [string, JsonObject, JsonObject][] = [
  [
    'keeps the attributes of Entra\'s create request and drops schemas, meta and empty roles',
    {
      schemas: [USER_SCHEMA, ENTERPRISE],
      externalId: '0a21f0f2',
      userName: 'Test_User@contoso.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User@contoso.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Test User', familyName: 'User', givenName: 'Test' },
      roles: [],
    },
    {
      externalId: '0a21f0f2',
      userName: 'Test_User@contoso.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User@contoso.com' }],
      name: { formatted: 'Test User', familyName: 'User', givenName: 'Test' },
    },
  ],
  [
    'drops null attributes, null sub-attributes and null extension attributes',
    { userName: 'a', title: null, addresses: null, phoneNumbers: null, name: { givenName: 'A', familyName: null }, [ENTERPRISE]: { department: null, manager: null } },
    { userName: 'a', name: { givenName: 'A' } },
  ],
  ['drops a null extension object', { userName: 'a', [ENTERPRISE]: null }, { userName: 'a' }],
  ['ignores unknown core attributes and sub-attributes', { userName: 'a', foo: 'x', bar: { y: 1 }, name: { foo: 'x', givenName: 'g' } }, { userName: 'a', name: { givenName: 'g' } }],
  ['matches attribute names case-insensitively and stores canonical names', { USERNAME: 'a', Name: { GivenName: 'x' }, DisplayName: 'A' }, { userName: 'a', name: { givenName: 'x' }, displayName: 'A' }],
  ['coerces Entra\'s "True" to a boolean', { userName: 'a', active: 'True' }, { userName: 'a', active: true }],
  ['coerces "false" to a boolean', { userName: 'a', active: 'false' }, { userName: 'a', active: false }],
  ['coerces a primary flag given as a string', { userName: 'a', emails: [{ value: 'x@y', primary: 'TRUE' }] }, { userName: 'a', emails: [{ value: 'x@y', primary: true }] }],
  ['keeps an unknown extension given as a nested object, minus nulls', { userName: 'a', [CUSTOM]: { attr: 'v', n: 2, gone: null } }, { userName: 'a', [CUSTOM]: { attr: 'v', n: 2 } }],
  ['keeps an unknown extension given as URN-qualified keys, under its URN', { userName: 'a', [`${CUSTOM}:attr`]: 'v' }, { userName: 'a', [CUSTOM]: { attr: 'v' } }],
  [
    'merges both forms of one unknown extension',
    { userName: 'a', [CUSTOM]: { a: 1 }, [`${CUSTOM}:b`]: 2 },
    { userName: 'a', [CUSTOM]: { a: 1, b: 2 } },
  ],
  ['stores an enterprise attribute given as a URN-qualified key', { userName: 'a', [`${ENTERPRISE}:department`]: 'D' }, { userName: 'a', [ENTERPRISE]: { department: 'D' } }],
  [
    'merges the enterprise object with URN-qualified enterprise keys',
    { userName: 'a', [ENTERPRISE]: { department: 'D' }, [`${ENTERPRISE}:costCenter`]: 'C' },
    { userName: 'a', [ENTERPRISE]: { department: 'D', costCenter: 'C' } },
  ],
  ['ignores unknown attributes of the enterprise extension', { userName: 'a', [ENTERPRISE]: { department: 'D', shoeSize: 44 } }, { userName: 'a', [ENTERPRISE]: { department: 'D' } }],
  ['stores a manager given as a plain id as {value}', { userName: 'a', [ENTERPRISE]: { manager: 'm1' } }, { userName: 'a', [ENTERPRISE]: { manager: { value: 'm1' } } }],
  ['drops the read-only manager.displayName', { userName: 'a', [ENTERPRISE]: { manager: { value: 'm1', displayName: 'Boss' } } }, { userName: 'a', [ENTERPRISE]: { manager: { value: 'm1' } } }],
  ['reads core attributes nested under the core schema URN', { [USER_SCHEMA]: { userName: 'a', title: 'Dr' } }, { userName: 'a', title: 'Dr' }],
  ['reads a core attribute given as a URN-qualified key', { [`${USER_SCHEMA}:userName`]: 'a' }, { userName: 'a' }],
  ['ignores read-only attributes: id, meta and groups', { userName: 'a', id: 'x', meta: { created: 'x' }, groups: [{ value: 'g' }] }, { userName: 'a' }],
  ['never stores a password', { userName: 'a', password: 'hunter2' }, { userName: 'a' }],
  ['never stores a password given under the core schema URN', { [USER_SCHEMA]: { userName: 'a', password: 'hunter2' } }, { userName: 'a' }],
  ['never stores a password given as a URN-qualified key', { userName: 'a', [`${USER_SCHEMA}:password`]: 'hunter2' }, { userName: 'a' }],
  ['wraps a single value of a multi-valued attribute in an array', { userName: 'a', emails: { value: 'x@y' } }, { userName: 'a', emails: [{ value: 'x@y' }] }],
  ['unwraps a one-element array for a single-valued attribute', { userName: 'a', title: ['Dr'] }, { userName: 'a', title: 'Dr' }],
  ['drops a __proto__ key', JSON.parse('{"userName":"a","__proto__":{"polluted":1}}') as JsonObject, { userName: 'a' }],
  ['accepts schemas naming unknown URNs (Entra\'s mistyped extension URN)', { schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'], userName: 'a' }, { userName: 'a' }],
];

describe('normalizeResource for users', () => {
  for (const [label, body, data] of USER_CASES) {
    it(label, () => {
      const input: ResourceInput = normalizeResource(userModel, body);
      assert.deepEqual(input, { data });
    });
  }

  const ERRORS: [string, unknown, ExpectedScimError][] = [
    ['a body that is an array', [{ userName: 'a' }], { status: 400, scimType: 'invalidSyntax' }],
    ['a body that is null', null, { status: 400, scimType: 'invalidSyntax' }],
    ['a missing userName', { displayName: 'x' }, { status: 400, scimType: 'invalidValue', detail: /userName is required/ }],
    ['a blank userName', { userName: '   ' }, { status: 400, scimType: 'invalidValue', detail: /userName is required/ }],
    ['a null userName', { userName: null }, { status: 400, scimType: 'invalidValue', detail: /userName is required/ }],
    ['an object for userName', { userName: { a: 1 } }, { status: 400, scimType: 'invalidValue', detail: /userName must be a string/ }],
    ['a string that is not a boolean for active', { userName: 'a', active: 'yes' }, { status: 400, scimType: 'invalidValue', detail: /active must be a boolean/ }],
    ['a number for active', { userName: 'a', active: 1 }, { status: 400, scimType: 'invalidValue' }],
    ['a string for name', { userName: 'a', name: 'Alice' }, { status: 400, scimType: 'invalidValue', detail: /name must be an object/ }],
    ['an array of two for a single-valued attribute', { userName: 'a', title: ['a', 'b'] }, { status: 400, scimType: 'invalidValue', detail: /single-valued/ }],
    ['a bad sub-attribute type', { userName: 'a', emails: [{ value: 'a', primary: 'maybe' }] }, { status: 400, scimType: 'invalidValue', detail: /emails\.primary must be a boolean/ }],
    ['an object for a string sub-attribute', { userName: 'a', name: { givenName: { x: 1 } } }, { status: 400, scimType: 'invalidValue' }],
    ['two primary emails', { userName: 'a', emails: [{ value: 'a', primary: true }, { value: 'b', primary: 'True' }] }, { status: 400, scimType: 'invalidValue', detail: /primary/ }],
    ['two primary addresses', { userName: 'a', addresses: [{ locality: 'A', primary: true }, { locality: 'B', primary: true }] }, { status: 400, scimType: 'invalidValue', detail: /primary/ }],
    ['an enterprise extension that is not an object', { userName: 'a', [ENTERPRISE]: 'x' }, { status: 400, scimType: 'invalidValue' }],
    ['a wrong type inside the enterprise extension', { userName: 'a', [ENTERPRISE]: { department: { x: 1 } } }, { status: 400, scimType: 'invalidValue' }],
    ['the core schema URN with a value that is not an object', { userName: 'a', [USER_SCHEMA]: 'x' }, { status: 400, scimType: 'invalidValue' }],
    ['schemas that is not an array', { schemas: USER_SCHEMA, userName: 'a' }, { status: 400, scimType: 'invalidSyntax' }],
    ['schemas naming the Group schema on /Users', { schemas: [GROUP_SCHEMA], userName: 'a' }, { status: 400, scimType: 'invalidSyntax', detail: /not the schema of \/Users/ }],
  ];
  for (const [label, body, expected] of ERRORS) {
    it(`rejects ${label}`, () => {
      throwsScimError(() => normalizeResource(userModel, body), expected);
    });
  }
});

describe('normalizeResource for groups', () => {
  const CASES: [string, JsonObject, ResourceInput][] = [
    [
      'reads Entra\'s group create, ignoring the unknown ADSCIM schema URN',
      {
        schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0',
        displayName: 'Group1DisplayName',
        meta: { resourceType: 'Group' },
      },
      { data: { externalId: '8aa1a0c0', displayName: 'Group1DisplayName' } },
    ],
    ['keeps members apart from the document', { displayName: 'g', members: [{ value: 'u1' }, 'u2', { value: 'g3', type: 'Group' }] }, { data: { displayName: 'g' }, members: [{ value: 'u1' }, { value: 'u2' }, { value: 'g3', type: 'Group' }] }],
    ['reads an empty members list as no members', { displayName: 'g', members: [] }, { data: { displayName: 'g' }, members: [] }],
    ['reads null members as no members', { displayName: 'g', members: null }, { data: { displayName: 'g' }, members: [] }],
    ['leaves members undefined when the body has none', { displayName: 'g' }, { data: { displayName: 'g' } }],
    ['ignores user attributes sent to /Groups', { displayName: 'g', userName: 'x' }, { data: { displayName: 'g' } }],
  ];
  for (const [label, body, expected] of CASES) {
    it(label, () => {
      assert.deepEqual(normalizeResource(groupModel, body), expected);
    });
  }

  const ERRORS: [string, unknown, ExpectedScimError][] = [
    ['a missing displayName', { members: [] }, { status: 400, scimType: 'invalidValue', detail: /displayName is required/ }],
    ['a member without a value', { displayName: 'g', members: [{ display: 'x' }] }, { status: 400, scimType: 'invalidValue' }],
    ['a member with an empty value', { displayName: 'g', members: [{ value: '' }] }, { status: 400, scimType: 'invalidValue' }],
    ['schemas naming the User schema on /Groups', { schemas: [USER_SCHEMA], displayName: 'g' }, { status: 400, scimType: 'invalidSyntax' }],
  ];
  for (const [label, body, expected] of ERRORS) {
    it(`rejects ${label}`, () => {
      throwsScimError(() => normalizeResource(groupModel, body), expected);
    });
  }
});
