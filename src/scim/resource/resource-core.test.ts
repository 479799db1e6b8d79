import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import { coreAttributes, findAttribute, groupModel, userModel } from '../schema/resource-models.js';
import type { AttributeDef } from '../schema/types.js';
import { coerceAttribute, coerceSimple, coerceSingle } from './coerce.js';
import { parseMemberRefs } from './members.js';
import { etagOf, toRepresentation, type StoredResource } from './representation.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BASE = 'https://scim.example/scim/v2';
const attr = (name: string) => findAttribute(coreAttributes(userModel), name)!;
const simple = (type: AttributeDef['type']): AttributeDef => ({ name: 'x', type, multiValued: false, description: '', required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' });
const invalid = (detail: RegExp) => ({ status: 400, scimType: 'invalidValue' as const, detail });

describe('toRepresentation', () => {
  const stored = (data: StoredResource['data'], extra: Partial<StoredResource> = {}): StoredResource => ({ id: 'u1', type: 'User', data, version: 3, created: '2026-01-01T00:00:00Z', lastModified: '2026-01-02T00:00:00Z', ...extra });

  it('lists the core schema and each extension present (spelled as the schema says), id and externalId first, meta last', () => {
    const out = toRepresentation(userModel, stored({ userName: 'a', externalId: 'e1', [ENTERPRISE.toUpperCase()]: { department: 'x' }, 'urn:other:ext': { a: 1 }, 'urn:not-an-object': 'x' }), BASE);
    assert.deepEqual(out.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, 'urn:other:ext']);
    assert.deepEqual(Object.keys(out).slice(0, 3), ['schemas', 'id', 'externalId']);
    assert.equal(Object.keys(out).at(-1), 'meta');
    assert.equal(out.id, 'u1');
    assert.equal(out.externalId, 'e1');
    assert.deepEqual(out.meta, { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-02T00:00:00Z', location: `${BASE}/Users/u1`, version: 'W/"3"' });
  });

  it('leaves externalId and membership out when absent; a key that only contains urn: is no extension', () => {
    const out = toRepresentation(userModel, stored({ userName: 'a', 'x-urn:y': { a: 1 } }), BASE);
    assert.equal('externalId' in out, false);
    assert.equal('groups' in out, false);
    assert.deepEqual(out.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User']);
  });

  it('writes group members with $ref by type and display when known', () => {
    const out = toRepresentation(groupModel, { ...stored({ displayName: 'g' }), type: 'Group', membership: [{ value: 'u1', type: 'User', display: 'Ann' }, { value: 'g2', type: 'Group' }] }, BASE);
    assert.deepEqual(out.members, [
      { value: 'u1', $ref: `${BASE}/Users/u1`, type: 'User', display: 'Ann' },
      { value: 'g2', $ref: `${BASE}/Groups/g2`, type: 'Group' },
    ]);
    assert.equal((out.meta as { location: string }).location, `${BASE}/Groups/u1`);
    assert.equal((out.meta as { resourceType: string }).resourceType, 'Group');
  });

  it("writes a user's groups as direct memberships", () => {
    const out = toRepresentation(userModel, stored({ userName: 'a' }, { membership: [{ value: 'g1', type: 'Group', display: 'Team' }] }), BASE);
    assert.deepEqual(out.groups, [{ value: 'g1', $ref: `${BASE}/Groups/g1`, type: 'direct', display: 'Team' }]);
  });

  it('etagOf is a weak tag of the version', () => {
    assert.equal(etagOf(12), 'W/"12"');
  });
});

describe('coerceAttribute', () => {
  it('booleans: JSON booleans and "True"/"False" in any case; nothing else', () => {
    assert.equal(coerceSimple(simple('boolean'), true, 'b'), true);
    assert.equal(coerceSimple(simple('boolean'), 'False', 'b'), false);
    assert.equal(coerceSimple(simple('boolean'), 'TRUE', 'b'), true);
    throwsScimError(() => coerceSimple(simple('boolean'), 'yes', 'b'), invalid(/^b must be a boolean$/));
    throwsScimError(() => coerceSimple(simple('boolean'), 'truely', 'b'), invalid(/boolean/));
    throwsScimError(() => coerceSimple(simple('boolean'), 1, 'b'), invalid(/boolean/));
  });

  it('integers, decimals, dateTimes and strings', () => {
    assert.equal(coerceSimple(simple('integer'), 4, 'i'), 4);
    throwsScimError(() => coerceSimple(simple('integer'), 4.5, 'i'), invalid(/^i must be an integer$/));
    throwsScimError(() => coerceSimple(simple('integer'), '4', 'i'), invalid(/integer/));
    assert.equal(coerceSimple(simple('decimal'), 4.5, 'd'), 4.5);
    throwsScimError(() => coerceSimple(simple('decimal'), '4.5', 'd'), invalid(/^d must be a number$/));
    assert.equal(coerceSimple(simple('dateTime'), '2026-01-01T00:00:00Z', 't'), '2026-01-01T00:00:00Z');
    throwsScimError(() => coerceSimple(simple('dateTime'), 'not a date', 't'), invalid(/^t must be an xsd:dateTime string$/));
    throwsScimError(() => coerceSimple(simple('dateTime'), 5, 't'), invalid(/dateTime/));
    throwsScimError(() => coerceSimple(simple('complex'), 'x', 'c'), invalid(/^c must be an object$/));
    assert.equal(coerceSimple(simple('string'), 'x', 's'), 'x');
    assert.equal(coerceSimple(simple('string'), 5, 's'), '5');
    assert.equal(coerceSimple(simple('reference'), false, 's'), 'false');
    throwsScimError(() => coerceSimple(simple('string'), { a: 1 }, 's'), invalid(/^s must be a string$/));
    assert.equal(coerceSimple(simple('string'), null, 's'), undefined);
    assert.equal(coerceSimple(simple('string'), undefined, 's'), undefined);
  });

  it('single-valued: null is unassigned, a one-element array is unwrapped, an empty one is unassigned, more is refused', () => {
    assert.equal(coerceAttribute(attr('title'), null, 'title'), undefined);
    assert.equal(coerceAttribute(attr('title'), ['Boss'], 'title'), 'Boss');
    assert.equal(coerceAttribute(attr('title'), [], 'title'), undefined);
    throwsScimError(() => coerceAttribute(attr('title'), ['a', 'b'], 'title'), invalid(/^title is single-valued but an array was given$/));
  });

  it('multi-valued: a single value becomes a list, nulls drop out, an empty result is unassigned, two primaries are refused', () => {
    const emails = attr('emails');
    assert.deepEqual(coerceAttribute(emails, { value: 'a@x', type: 'work' }, 'emails'), [{ value: 'a@x', type: 'work' }]);
    assert.deepEqual(coerceAttribute(emails, [null, { value: 'a@x' }], 'emails'), [{ value: 'a@x' }]);
    assert.equal(coerceAttribute(emails, [null], 'emails'), undefined);
    assert.equal(coerceAttribute(emails, [], 'emails'), undefined);
    assert.deepEqual(coerceAttribute(emails, [{ value: 'a', primary: true }, { value: 'b', primary: false }], 'emails'), [{ value: 'a', primary: true }, { value: 'b', primary: false }]);
    throwsScimError(() => coerceAttribute(emails, [{ value: 'a', primary: true }, { value: 'b', primary: 'True' }], 'emails'), invalid(/^At most one of the emails values may be primary$/));
  });

  it('complex: known sub-attributes by their own spelling, read-only ones and unknown ones dropped, an empty result unassigned', () => {
    const name = attr('name');
    assert.deepEqual(coerceSingle(name, { GIVENNAME: 'Al', nope: 1 }, 'name'), { givenName: 'Al' });
    assert.equal(coerceSingle(name, { nope: 1 }, 'name'), undefined);
    assert.equal(coerceSingle(name, { givenName: null }, 'name'), undefined);
    assert.equal(coerceSingle(name, null, 'name'), undefined);
    throwsScimError(() => coerceSingle(name, 'Al', 'name'), invalid(/^name must be an object$/));
    throwsScimError(() => coerceSingle(name, { givenName: { a: 1 } }, 'name'), invalid(/^name\.givenName must be a string$/));
  });

  it("complex with a value sub-attribute: a bare id (string or number) is {value}; an empty one is nothing", () => {
    const manager = findAttribute(userModel.extensions[0].attributes, 'manager')!;
    assert.deepEqual(coerceAttribute(manager, 'm1', 'manager'), { value: 'm1' });
    assert.deepEqual(coerceAttribute(manager, 42, 'manager'), { value: '42' });
    assert.equal(coerceAttribute(manager, '', 'manager'), undefined);
    throwsScimError(() => coerceAttribute(manager, true, 'manager'), invalid(/^manager must be an object$/));
  });

  it('attributes of unknown extensions are kept as sent, minus nulls, empty containers and __proto__', () => {
    assert.deepEqual(coerceAttribute(undefined, { a: [1, null, 'x'], b: null, c: {}, d: [], e: { f: true } }, 'x'), { a: [1, 'x'], e: { f: true } });
    assert.equal(coerceAttribute(undefined, [null], 'x'), undefined);
    assert.equal(coerceAttribute(undefined, { b: null }, 'x'), undefined);
    const withProto = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}');
    const kept = coerceAttribute(undefined, withProto, 'x') as Record<string, unknown>;
    assert.deepEqual(Object.keys(kept), ['ok']);
    assert.equal(Object.getPrototypeOf(kept), Object.prototype);
    assert.equal(coerceAttribute(undefined, 'text', 'x'), 'text');
    assert.equal(coerceAttribute(undefined, 0, 'x'), 0);
    assert.equal(coerceAttribute(undefined, false, 'x'), false);
    assert.equal(coerceAttribute(undefined, undefined, 'x'), undefined);
  });
});

describe('parseMemberRefs', () => {
  it('reads objects and bare ids, drops nulls and repeats, keeps the claimed type', () => {
    assert.deepEqual(parseMemberRefs(null), []);
    assert.deepEqual(parseMemberRefs(undefined), []);
    assert.deepEqual(parseMemberRefs('u1'), [{ value: 'u1' }]);
    assert.deepEqual(parseMemberRefs([{ value: 'u1', $ref: null }, null, 'u1', { value: 'g1', type: 'GROUP' }, { value: 'u2', type: 'user' }]), [
      { value: 'u1' },
      { value: 'g1', type: 'Group' },
      { value: 'u2', type: 'User' },
    ]);
  });

  it('refuses a member without a value, an empty id, an unknown type or another shape', () => {
    throwsScimError(() => parseMemberRefs([{ display: 'x' }]), invalid(/needs a "value"/));
    throwsScimError(() => parseMemberRefs([{ value: '' }]), invalid(/needs a "value"/));
    throwsScimError(() => parseMemberRefs([{ value: 5 }]), invalid(/needs a "value"/));
    throwsScimError(() => parseMemberRefs(['']), invalid(/^Each member must be an object with a "value" or an id string$/));
    throwsScimError(() => parseMemberRefs([5]), invalid(/must be an object/));
    throwsScimError(() => parseMemberRefs([{ value: 'u', type: 'Device' }]), invalid(/^Member type "Device" is neither "User" nor "Group"$/));
  });
});
