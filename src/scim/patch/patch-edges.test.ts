import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import { parseFilter } from '../filter/parser.js';
import type { JsonObject } from '../json.js';
import { groupModel, userModel, type ResourceModel } from '../schema/resource-models.js';
import { PATCH_OP_SCHEMA } from '../schema/urns.js';
import { applyPatch, type PatchOutcome } from './apply-patch.js';
import { applyMemberChanges } from './member-list.js';
import { parsePatchRequest } from './patch-request.js';

/**
 * PATCH rules the main table does not reach: a reference's stale `$ref`, null as removal,
 * Entra's remove-by-value, primary flags moved through a value path, read-only sub-attributes,
 * which member filters become plain id lists, and emptied extensions.
 */
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MANAGER = { value: 'm1', $ref: 'https://x/Users/m1', displayName: 'Boss' };
const WORK: JsonObject = { value: 'alice@work.com', type: 'work', primary: true };
const HOME: JsonObject = { value: 'alice@home.org', type: 'home' };
const USER: JsonObject = {
  userName: 'alice',
  title: 'Engineer',
  name: { givenName: 'Alice', familyName: 'Smith' },
  emails: [WORK, HOME],
  [ENTERPRISE]: { department: 'R&D', manager: MANAGER },
};

function patch(operations: Record<string, unknown>[], model: ResourceModel = userModel, current: JsonObject = USER): PatchOutcome {
  return applyPatch(model, 'id-1', current, parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }, model));
}
const data = (...operations: Record<string, unknown>[]) => patch(operations).data;
const manager = (...operations: Record<string, unknown>[]) => (data(...operations)[ENTERPRISE] as JsonObject).manager;

describe('PATCH on a reference: the old $ref goes with the old value', () => {
  it('drops $ref when the value changes without one, keeps it when the value stays, takes a new one when given', () => {
    assert.deepEqual(manager({ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm2' } }), { value: 'm2', displayName: 'Boss' });
    assert.deepEqual(manager({ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm1' } }), MANAGER);
    assert.deepEqual(manager({ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm2', $ref: 'https://x/Users/m2' } }), { value: 'm2', $ref: 'https://x/Users/m2', displayName: 'Boss' });
    assert.deepEqual(manager({ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'm3' }), { value: 'm3', displayName: 'Boss' });
    assert.deepEqual(manager({ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'm1' }), MANAGER);
  });

  it('merges a complex attribute without a reference, keeping the sub-attributes not given', () => {
    assert.deepEqual(data({ op: 'replace', path: 'name', value: { givenName: 'Ann' } }).name, { givenName: 'Ann', familyName: 'Smith' });
    assert.deepEqual(data({ op: 'add', value: { name: { familyName: 'Jones' } } }).name, { givenName: 'Alice', familyName: 'Jones' });
  });

  it('refuses a read-only sub-attribute', () => {
    const error = throwsScimError(() => patch([{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'X' }]), { status: 400, scimType: 'mutability' });
    assert.equal(error.detail, `Operation 1: ${ENTERPRISE}:manager.displayName is read-only`);
  });
});

describe('PATCH values that remove', () => {
  it('reads add or replace with null as remove, and replace with an empty list as removal of the list', () => {
    for (const op of ['add', 'replace']) assert.equal(data({ op, path: 'title', value: null }).title, undefined, op);
    assert.equal(data({ op: 'replace', path: 'emails', value: [] }).emails, undefined);
    assert.deepEqual(data({ op: 'add', path: 'emails', value: [] }).emails, USER.emails);
  });

  it('removes by value alone when only a value is given (Entra), by the whole element otherwise', () => {
    assert.deepEqual(data({ op: 'remove', path: 'emails', value: [{ value: 'alice@home.org' }] }).emails, [WORK]);
    assert.deepEqual(data({ op: 'remove', path: 'emails', value: [{ value: 'alice@home.org', type: 'work' }] }).emails, USER.emails);
    assert.deepEqual(data({ op: 'remove', path: 'emails', value: [{ value: 'alice@home.org', type: 'home' }] }).emails, [WORK]);
    assert.equal(data({ op: 'remove', path: 'title', value: 'Engineer' }).title, undefined);
  });

  it('refuses to remove the name attribute, but not a sub-attribute or an extension attribute', () => {
    const error = throwsScimError(() => patch([{ op: 'remove', path: 'userName' }]), { status: 400, scimType: 'invalidValue' });
    assert.equal(error.detail, 'Operation 1: userName is required and cannot be removed');
    assert.deepEqual(data({ op: 'remove', path: 'name.givenName' }).name, { familyName: 'Smith' });
    assert.equal((data({ op: 'remove', path: `${ENTERPRISE}:department` })[ENTERPRISE] as JsonObject).department, undefined);
  });

  it('drops an extension whose last attribute is removed', () => {
    const current = { userName: 'bob', [ENTERPRISE]: { department: 'Ops' } };
    assert.deepEqual(patch([{ op: 'remove', path: `${ENTERPRISE}:department` }], userModel, current).data, { userName: 'bob' });
  });
});

describe('PATCH through value paths', () => {
  it('moves the primary flag to the element a value path marks, from an object or a one-element list', () => {
    const viaSub = data({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }).emails;
    assert.deepEqual(viaSub, [{ value: 'alice@work.com', type: 'work', primary: false }, { value: 'alice@home.org', type: 'home', primary: true }]);
    const viaList = data({ op: 'replace', path: 'emails[type eq "home"]', value: [{ primary: true }] }).emails;
    assert.deepEqual(viaList, viaSub);
    const unchanged = data({ op: 'replace', path: 'emails[type eq "home"]', value: { display: 'Home' } }).emails;
    assert.deepEqual(unchanged, [WORK, { value: 'alice@home.org', type: 'home', display: 'Home' }]);
  });
});

describe('member removals', () => {
  const group = { displayName: 'Team' };
  const removal = (path: string) => patch([{ op: 'remove', path }], groupModel, group).memberChanges;

  it('turns value equalities joined by or into an id list, and anything else into a filter', () => {
    assert.deepEqual(removal('members[value eq "a" or value eq "b"]'), [{ op: 'remove', ids: ['a', 'b'] }]);
    assert.deepEqual(removal('members[Value eq "a"]'), [{ op: 'remove', ids: ['a'] }]);
    for (const filter of ['value ne "a"', 'display eq "a"', 'value eq "a" and type eq "User"', 'value eq "a" or display eq "b"']) {
      assert.deepEqual(removal(`members[${filter}]`), [{ op: 'removeWhere', filter: parseFilter(filter) }], filter);
    }
  });

  it('applies a member filter with the schema of members: display without case, a missing type read as User', () => {
    const members: JsonObject[] = [{ value: 'u1', display: 'Ann' }, { value: 'u2', type: 'User', display: 'Bob' }, { value: 'g1', type: 'Group' }];
    const remaining = (filter: string) => applyMemberChanges(members, [{ op: 'removeWhere', filter: parseFilter(filter) }]).map((m) => m.value);
    assert.deepEqual(remaining('display eq "ANN"'), ['u2', 'g1']);
    assert.deepEqual(remaining('type eq "User"'), ['g1']);
    assert.deepEqual(remaining('not (display pr)'), ['u1', 'u2']);
    assert.deepEqual(remaining('value sw "u"'), ['g1']);
  });
});
