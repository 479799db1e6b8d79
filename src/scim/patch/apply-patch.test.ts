import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError, type ExpectedScimError } from '../../../test/support/throws-scim-error.js';
import { cloneJson, type JsonObject, type JsonValue } from '../json.js';
import { groupModel, userModel, type ResourceModel } from '../schema/resource-models.js';
import { PATCH_OP_SCHEMA } from '../schema/urns.js';
import { applyPatch, type MemberChange, type PatchOutcome } from './apply-patch.js';
import { parsePatchRequest } from './patch-request.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** A stored user document (no id, meta or schemas: the store keeps those apart). */
const USER: JsonObject = {
  userName: 'alice',
  externalId: 'ext-1',
  active: true,
  name: { givenName: 'Alice', familyName: 'Smith' },
  emails: [
    { value: 'alice@work.com', type: 'work', primary: true },
    { value: 'alice@home.org', type: 'home' },
  ],
  [ENTERPRISE]: { employeeNumber: '1', department: 'R&D' },
};

const GROUP: JsonObject = { displayName: 'Engineering', externalId: 'grp-1' };

type Op = Record<string, unknown>;

function patch(model: ResourceModel, current: JsonObject, operations: Op[], id = 'id-1'): PatchOutcome {
  return applyPatch(model, id, current, parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }, model));
}

/** USER with some top-level keys replaced; an undefined value means the key is gone. */
function userWith(changes: Record<string, JsonValue | undefined>): JsonObject {
  const result = cloneJson(USER);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}

/** Each case: the operations and the keys of the resulting document that differ from USER. */
const USER_CASES: [string, Op[], Record<string, JsonValue | undefined>][] = [
  // Entra, default mode (idp-behaviour.md §1.4, §1.5).
  [
    'Replace on emails[type eq "work"].value and on name.familyName (Entra U5)',
    [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@work.com' },
      { op: 'Replace', path: 'name.familyName', value: 'Jones' },
    ],
    {
      emails: [
        { value: 'new@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home' },
      ],
      name: { givenName: 'Alice', familyName: 'Jones' },
    },
  ],
  ['Replace userName (Entra U6)', [{ op: 'Replace', path: 'userName', value: 'alice2' }], { userName: 'alice2' }],
  ['Replace active with the string "False" stores false (Entra U7)', [{ op: 'Replace', path: 'active', value: 'False' }], { active: false }],
  ['replace active with the string "false" stores false', [{ op: 'replace', path: 'active', value: 'false' }], { active: false }],
  ['replace active with "True" stores true', [{ op: 'replace', path: 'active', value: 'True' }], {}],
  ['replace active with false (aadOptscim062020)', [{ op: 'replace', path: 'active', value: false }], { active: false }],
  ['Add nickName', [{ op: 'Add', path: 'nickName', value: 'Babs' }], { nickName: 'Babs' }],
  [
    'Replace a URN-qualified enterprise attribute',
    [{ op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: '77' }],
    { [ENTERPRISE]: { employeeNumber: '77', department: 'R&D' } },
  ],
  [
    'pathless replace with dotted and URN-qualified keys (aadOptscim062020)',
    [
      {
        op: 'replace',
        value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' },
      },
    ],
    {
      displayName: 'Bjfe',
      name: { givenName: 'Kkom', familyName: 'Unua' },
      [ENTERPRISE]: { employeeNumber: 'Aklq', department: 'R&D' },
    },
  ],
  [
    'pathless replace with an extension object merges into the extension',
    [{ op: 'replace', value: { [ENTERPRISE]: { costCenter: 'CC' } } }],
    { [ENTERPRISE]: { employeeNumber: '1', department: 'R&D', costCenter: 'CC' } },
  ],
  [
    'pathless add ignores schemas and meta',
    [{ op: 'add', value: { schemas: ['x'], meta: { created: 'x' }, title: 'Dr' } }],
    { title: 'Dr' },
  ],
  // Value paths that match nothing create the element, seeded from the filter's eq clauses.
  [
    'Replace on addresses[type eq "work"].streetAddress with no work address creates it',
    [{ op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' }],
    { addresses: [{ type: 'work', streetAddress: '1 Main St' }] },
  ],
  [
    'Add on emails[type eq "other"].value with no such email appends one',
    [{ op: 'Add', path: 'emails[type eq "other"].value', value: 'o@x.com' }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home' },
        { type: 'other', value: 'o@x.com' },
      ],
    },
  ],
  [
    'Add on a value path with "and primary eq true" seeds primary and demotes the old primary',
    [{ op: 'Add', path: 'emails[type eq "other" and primary eq true].value', value: 'o@x.com' }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: false },
        { value: 'alice@home.org', type: 'home' },
        { type: 'other', primary: true, value: 'o@x.com' },
      ],
    },
  ],
  [
    'replace on a whole matching element merges the given sub-attributes',
    [{ op: 'replace', path: 'emails[type eq "home"]', value: { display: 'Home' } }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home', display: 'Home' },
      ],
    },
  ],
  [
    'replace on a value path with a filter that is not eq still changes every match',
    [{ op: 'replace', path: 'emails[type ne "work"].display', value: 'Other' }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home', display: 'Other' },
      ],
    },
  ],
  // Primary flags: at most one, the newest wins.
  [
    'replace emails[type eq "home"].primary with true demotes the work email',
    [{ op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: false },
        { value: 'alice@home.org', type: 'home', primary: true },
      ],
    },
  ],
  [
    'add of a primary email demotes the old primary',
    [{ op: 'add', path: 'emails', value: [{ value: 'n@x.org', type: 'other', primary: true }] }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: false },
        { value: 'alice@home.org', type: 'home' },
        { value: 'n@x.org', type: 'other', primary: true },
      ],
    },
  ],
  // Multi-valued add merges without duplicates; replace swaps the list.
  [
    'add of an email already present does not duplicate it',
    [{ op: 'add', path: 'emails', value: [{ value: 'alice@home.org', type: 'home' }, { value: 'x@y.z', type: 'other' }] }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home' },
        { value: 'x@y.z', type: 'other' },
      ],
    },
  ],
  [
    'add of a single email object (not an array) appends it',
    [{ op: 'add', path: 'emails', value: { value: 'x@y.z' } }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home' },
        { value: 'x@y.z' },
      ],
    },
  ],
  ['replace of emails swaps the whole list', [{ op: 'replace', path: 'emails', value: [{ value: 'only@x.com' }] }], { emails: [{ value: 'only@x.com' }] }],
  [
    'pathless add of emails appends to the list',
    [{ op: 'add', value: { emails: [{ value: 'z@x.com', type: 'work' }] } }],
    {
      emails: [
        { value: 'alice@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home' },
        { value: 'z@x.com', type: 'work' },
      ],
    },
  ],
  [
    'Add roles with Entra\'s stringified JSON value keeps the string',
    [{ op: 'Add', path: 'roles', value: [{ value: '{"id":"1","value":"25","displayName":"Role1234"}' }] }],
    { roles: [{ value: '{"id":"1","value":"25","displayName":"Role1234"}' }] },
  ],
  // Manager: a plain id string, the tutorial's array form, and removal.
  [
    'add of manager as a plain string stores {value}',
    [{ op: 'add', path: `${ENTERPRISE}:manager`, value: 'mgr-1' }],
    { [ENTERPRISE]: { employeeNumber: '1', department: 'R&D', manager: { value: 'mgr-1' } } },
  ],
  [
    'Add of manager as a one-element array of {$ref, value} (Entra tutorial) stores the object',
    [{ op: 'Add', path: 'manager', value: [{ $ref: 'http://x/Users/mgr-1', value: 'mgr-1' }] }],
    { [ENTERPRISE]: { employeeNumber: '1', department: 'R&D', manager: { $ref: 'http://x/Users/mgr-1', value: 'mgr-1' } } },
  ],
  [
    'replace of manager.value sets the sub-attribute',
    [{ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'mgr-9' }],
    { [ENTERPRISE]: { employeeNumber: '1', department: 'R&D', manager: { value: 'mgr-9' } } },
  ],
  [
    'manager.displayName sent inside a manager object is dropped as read-only',
    [{ op: 'add', path: `${ENTERPRISE}:manager`, value: { value: 'mgr-1', displayName: 'Boss' } }],
    { [ENTERPRISE]: { employeeNumber: '1', department: 'R&D', manager: { value: 'mgr-1' } } },
  ],
  // Remove.
  ['remove of a simple attribute', [{ op: 'remove', path: 'externalId' }], { externalId: undefined }],
  ['remove of an absent attribute is a no-op', [{ op: 'remove', path: 'title' }], {}],
  ['remove of a sub-attribute', [{ op: 'remove', path: 'name.givenName' }], { name: { familyName: 'Smith' } }],
  ['remove of the last sub-attribute drops the complex attribute', [{ op: 'remove', path: 'name.givenName' }, { op: 'remove', path: 'name.familyName' }], { name: undefined }],
  [
    'Remove on emails with a value array removes just those values (Entra)',
    [{ op: 'Remove', path: 'emails', value: [{ value: 'alice@home.org' }] }],
    { emails: [{ value: 'alice@work.com', type: 'work', primary: true }] },
  ],
  [
    'remove on emails[type eq "home"] removes the matching element',
    [{ op: 'remove', path: 'emails[type eq "home"]' }],
    { emails: [{ value: 'alice@work.com', type: 'work', primary: true }] },
  ],
  ['remove on a value path that matches nothing is a no-op', [{ op: 'remove', path: 'emails[type eq "pager"]' }], {}],
  [
    'remove on emails[type eq "work"].primary removes the flag only there',
    [{ op: 'remove', path: 'emails[type eq "work"].primary' }],
    { emails: [{ value: 'alice@work.com', type: 'work' }, { value: 'alice@home.org', type: 'home' }] },
  ],
  ['remove of all emails', [{ op: 'remove', path: 'emails' }], { emails: undefined }],
  [
    'remove of one enterprise attribute',
    [{ op: 'remove', path: `${ENTERPRISE}:department` }],
    { [ENTERPRISE]: { employeeNumber: '1' } },
  ],
  ['remove of the whole enterprise extension', [{ op: 'remove', path: ENTERPRISE }], { [ENTERPRISE]: undefined }],
  ['replace with null removes the attribute', [{ op: 'replace', path: 'externalId', value: null }], { externalId: undefined }],
  // Okta (idp-behaviour.md §2.1).
  ['Okta\'s pathless replace of active', [{ op: 'replace', value: { active: false } }], { active: false }],
  ['Okta\'s pathless replace carrying the same id', [{ op: 'replace', value: { id: 'id-1', displayName: 'Alice S' } }], { displayName: 'Alice S' }],
  // Extensions scimd does not know are kept under their URN.
  ['add on a custom extension attribute path', [{ op: 'add', path: `${CUSTOM}:attr`, value: 'v' }], { [CUSTOM]: { attr: 'v' } }],
  ['pathless add with a custom extension key', [{ op: 'add', value: { [`${CUSTOM}:attr`]: 'v' } }], { [CUSTOM]: { attr: 'v' } }],
  ['pathless add with a custom extension object', [{ op: 'add', value: { [CUSTOM]: { attr: 'v', n: 2 } } }], { [CUSTOM]: { attr: 'v', n: 2 } }],
  ['add on the custom extension URN path', [{ op: 'add', path: CUSTOM, value: { attr: 'v' } }], { [CUSTOM]: { attr: 'v' } }],
  // The core schema URN may qualify core attributes.
  ['replace on a core attribute qualified by the core schema URN', [{ op: 'replace', path: `${CORE}:displayName`, value: 'A' }], { displayName: 'A' }],
  ['pathless replace with a core schema object', [{ op: 'replace', value: { [CORE]: { displayName: 'A' } } }], { displayName: 'A' }],
  // Write-only attributes are accepted and discarded.
  ['replace of password is accepted and not stored', [{ op: 'replace', path: 'password', value: 'hunter2' }], {}],
  ['operations apply in order', [{ op: 'add', path: 'title', value: 'A' }, { op: 'replace', path: 'title', value: 'B' }], { title: 'B' }],
  ['attribute names are case-insensitive', [{ op: 'replace', path: 'NAME.GIVENNAME', value: 'Al' }], { name: { givenName: 'Al', familyName: 'Smith' } }],
];

describe('applyPatch on a user', () => {
  for (const [label, operations, changes] of USER_CASES) {
    it(label, () => {
      const outcome = patch(userModel, USER, operations);
      assert.deepEqual(outcome.data, userWith(changes));
      assert.deepEqual(outcome.memberChanges, []);
    });
  }

  it('leaves the document it was given untouched', () => {
    const before = cloneJson(USER);
    patch(userModel, USER, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y.z' },
      { op: 'remove', path: 'name.givenName' },
    ]);
    assert.deepEqual(USER, before);
  });

  const ERRORS: [string, Op[], ExpectedScimError][] = [
    ['replace of id', [{ op: 'replace', path: 'id', value: 'x' }], { status: 400, scimType: 'mutability', detail: /id is read-only/ }],
    ['replace of meta.created', [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }], { status: 400, scimType: 'mutability' }],
    ['replace of meta.version', [{ op: 'replace', path: 'meta.version', value: 'W/"9"' }], { status: 400, scimType: 'mutability' }],
    ['add of groups on a user', [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], { status: 400, scimType: 'mutability' }],
    ['replace of manager.displayName', [{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'Boss' }], { status: 400, scimType: 'mutability' }],
    ['Okta\'s pathless replace with a different id', [{ op: 'replace', value: { id: 'id-2', displayName: 'X' } }], { status: 400, scimType: 'mutability', detail: /id is read-only/ }],
    ['an unknown attribute', [{ op: 'replace', path: 'foo', value: 'x' }], { status: 400, scimType: 'invalidPath', detail: /foo is not an attribute of User/ }],
    ['an unknown sub-attribute', [{ op: 'replace', path: 'name.foo', value: 'x' }], { status: 400, scimType: 'invalidPath' }],
    ['an unknown enterprise attribute', [{ op: 'replace', path: `${ENTERPRISE}:foo`, value: 'x' }], { status: 400, scimType: 'invalidPath' }],
    ['a pathless key naming an unknown attribute', [{ op: 'replace', value: { foo: 'x' } }], { status: 400, scimType: 'invalidPath' }],
    ['schemas as a path', [{ op: 'replace', path: 'schemas', value: [] }], { status: 400, scimType: 'invalidPath' }],
    ['a value filter on a single-valued attribute', [{ op: 'replace', path: 'name[givenName eq "x"]', value: {} }], { status: 400, scimType: 'invalidPath', detail: /not multi-valued/ }],
    ['remove without a path', [{ op: 'remove' }], { status: 400, scimType: 'noTarget', detail: /Operation 1: remove needs a path/ }],
    ['remove without a path even with a value', [{ op: 'remove', value: { title: 'x' } }], { status: 400, scimType: 'noTarget' }],
    ['an unmatched value path whose filter is not made of eq', [{ op: 'replace', path: 'emails[type ne "work" and type ne "home"].value', value: 'x' }], { status: 400, scimType: 'noTarget' }],
    ['replace of emails.type when there are no emails', [{ op: 'remove', path: 'emails' }, { op: 'replace', path: 'emails.type', value: 'work' }], { status: 400, scimType: 'noTarget', detail: /^Operation 2/ }],
    ['a pathless add whose value is not an object', [{ op: 'add', value: 'x' }], { status: 400, scimType: 'invalidValue' }],
    ['a string that is not a boolean for active', [{ op: 'replace', path: 'active', value: 'maybe' }], { status: 400, scimType: 'invalidValue', detail: /active must be a boolean/ }],
    ['an object for a string attribute', [{ op: 'replace', path: 'title', value: { a: 1 } }], { status: 400, scimType: 'invalidValue' }],
    ['a string for a complex attribute without a value sub-attribute', [{ op: 'replace', path: 'name', value: 'Alice' }], { status: 400, scimType: 'invalidValue' }],
    ['two new primary emails', [{ op: 'add', path: 'emails', value: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] }], { status: 400, scimType: 'invalidValue', detail: /primary/ }],
    ['remove of userName', [{ op: 'remove', path: 'userName' }], { status: 400, scimType: 'invalidValue', detail: /userName is required/ }],
    ['replace of userName with null', [{ op: 'replace', path: 'userName', value: null }], { status: 400, scimType: 'invalidValue' }],
    ['replace of userName with a blank string', [{ op: 'replace', path: 'userName', value: '  ' }], { status: 400, scimType: 'invalidValue', detail: /userName is required/ }],
    ['an extension path whose value is not an object', [{ op: 'replace', path: ENTERPRISE, value: 'x' }], { status: 400, scimType: 'invalidValue' }],
  ];
  for (const [label, operations, expected] of ERRORS) {
    it(`rejects ${label}`, () => {
      throwsScimError(() => patch(userModel, USER, operations), expected);
    });
  }

  it('names the failing operation when a later one in the list is bad', () => {
    const error = throwsScimError(
      () =>
        patch(userModel, USER, [
          { op: 'replace', path: 'title', value: 'ok' },
          { op: 'add', path: 'nickName', value: 'ok' },
          { op: 'replace', path: 'nope', value: 'x' },
        ]),
      { status: 400, scimType: 'invalidPath' },
    );
    assert.match(error.detail, /^Operation 3: /);
  });
});

describe('applyPatch on a group', () => {
  const CASES: [string, Op[], MemberChange[], Record<string, JsonValue | undefined>][] = [
    ['Replace displayName (Entra G4)', [{ op: 'Replace', path: 'displayName', value: 'Platform' }], [], { displayName: 'Platform' }],
    [
      'Add members with {$ref: null, value} (Entra G5)',
      [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u2' }] }],
      [{ op: 'add', members: [{ value: 'u1' }, { value: 'u2' }] }],
      {},
    ],
    [
      'add members repeated in one value adds each once',
      [{ op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u1', type: 'User' }, 'u2'] }],
      [{ op: 'add', members: [{ value: 'u1' }, { value: 'u2' }] }],
      {},
    ],
    ['add members keeps a declared type', [{ op: 'add', path: 'members', value: [{ value: 'g9', type: 'group' }] }], [{ op: 'add', members: [{ value: 'g9', type: 'Group' }] }], {}],
    [
      'Remove members by a value array (Entra G6)',
      [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }, { value: 'u2' }] }],
      [{ op: 'remove', ids: ['u1', 'u2'] }],
      {},
    ],
    ['remove members[value eq "…"] (aadOptscim062020, Okta)', [{ op: 'remove', path: 'members[value eq "7f4b"]' }], [{ op: 'remove', ids: ['7f4b'] }], {}],
    ['remove members[value eq "a" or value eq "b"]', [{ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }], [{ op: 'remove', ids: ['a', 'b'] }], {}],
    [
      'remove members with another filter leaves it to the store',
      [{ op: 'remove', path: 'members[type eq "Group"]' }],
      [{ op: 'removeWhere', filter: { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'Group' } }],
      {},
    ],
    ['remove members without a value empties the group', [{ op: 'remove', path: 'members' }], [{ op: 'replace', members: [] }], {}],
    ['replace members with a list (Okta)', [{ op: 'replace', path: 'members', value: [{ value: 'u1', display: 'Alice' }] }], [{ op: 'replace', members: [{ value: 'u1' }] }], {}],
    ['replace members with [] empties the group', [{ op: 'replace', path: 'members', value: [] }], [{ op: 'replace', members: [] }], {}],
    ['pathless add of members', [{ op: 'add', value: { members: [{ value: 'u9' }] } }], [{ op: 'add', members: [{ value: 'u9' }] }], {}],
    ['Okta\'s rename carrying the same id', [{ op: 'replace', value: { id: 'id-1', displayName: 'Renamed' } }], [], { displayName: 'Renamed' }],
    [
      'Okta\'s remove then add, in order',
      [
        { op: 'remove', path: 'members[value eq "u1"]' },
        { op: 'add', path: 'members', value: [{ value: 'u2', display: 'Bob' }] },
      ],
      [
        { op: 'remove', ids: ['u1'] },
        { op: 'add', members: [{ value: 'u2' }] },
      ],
      {},
    ],
  ];
  for (const [label, operations, memberChanges, changes] of CASES) {
    it(label, () => {
      const outcome = patch(groupModel, GROUP, operations);
      assert.deepEqual(outcome.memberChanges, memberChanges);
      const expected = { ...GROUP, ...changes };
      assert.deepEqual(outcome.data, expected);
    });
  }

  const ERRORS: [string, Op[], ExpectedScimError][] = [
    ['a member without a value', [{ op: 'add', path: 'members', value: [{ display: 'x' }] }], { status: 400, scimType: 'invalidValue' }],
    ['a member of an unknown type', [{ op: 'add', path: 'members', value: [{ value: 'u1', type: 'Robot' }] }], { status: 400, scimType: 'invalidValue' }],
    ['add on a filtered members path', [{ op: 'add', path: 'members[value eq "x"]', value: [{ value: 'x' }] }], { status: 400, scimType: 'invalidPath' }],
    ['remove of members.value', [{ op: 'remove', path: 'members.value' }], { status: 400, scimType: 'invalidPath' }],
    ['Okta\'s rename with a different id', [{ op: 'replace', value: { id: 'other', displayName: 'X' } }], { status: 400, scimType: 'mutability' }],
    ['remove of displayName', [{ op: 'remove', path: 'displayName' }], { status: 400, scimType: 'invalidValue' }],
    ['a user attribute on a group', [{ op: 'replace', path: 'userName', value: 'x' }], { status: 400, scimType: 'invalidPath' }],
  ];
  for (const [label, operations, expected] of ERRORS) {
    it(`rejects ${label}`, () => {
      throwsScimError(() => patch(groupModel, GROUP, operations), expected);
    });
  }
});
