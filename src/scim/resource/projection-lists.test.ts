import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import { DEFAULT_FILTER_LIMITS } from '../filter/parser.js';
import type { JsonObject } from '../json.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { normalizeResource } from './normalize.js';
import { applyProjection, parseProjection } from './projection.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The names a projection list resolved to, in order. */
const names = (value: unknown) => parseProjection(userModel, value, undefined).attributes?.map((e) => [e.name, e.sub ?? null, e.filter ? 'filter' : null]);

describe('attributes and excludedAttributes as lists', () => {
  it('takes an absent, null or empty list as no list', () => {
    for (const value of [undefined, null, '']) assert.deepEqual(parseProjection(userModel, value, value), {}, String(value));
  });

  it('splits on commas outside brackets and quotes (escaped quotes too), trimming and dropping empty names', () => {
    assert.deepEqual(names(' userName , title ,'), [['userName', null, null], ['title', null, null]]);
    assert.deepEqual(names(['emails[value eq "a,b"]', 'nickName']), [['emails', null, 'filter'], ['nickName', null, null]]);
    assert.deepEqual(names('emails[value eq "x\\",y"],title'), [['emails', null, 'filter'], ['title', null, null]]);
  });

  it('refuses a list with anything but strings, and a bracket that is not closed', () => {
    for (const value of [[1], ['userName', 2]]) {
      assert.equal(throwsScimError(() => parseProjection(userModel, value, undefined), { status: 400, scimType: 'invalidValue' }).detail, 'attributes must be a list of attribute names');
    }
    assert.equal(throwsScimError(() => parseProjection(userModel, 'emails[type eq "work"', undefined), { status: 400, scimType: 'invalidValue' }).detail, 'attributes: "emails[type eq \\"work\\"" is not an attribute path');
  });

  it('counts the entries of both lists together against the limit, and the comparisons of their value filters', () => {
    const limits = { maxEntries: 3, filterLimits: { ...DEFAULT_FILTER_LIMITS, maxTerms: 2 } };
    assert.equal(parseProjection(userModel, 'userName,title', 'nickName', limits).attributes?.length, 2);
    assert.equal(
      throwsScimError(() => parseProjection(userModel, 'userName,title', 'nickName,name', limits), { status: 400, scimType: 'tooMany' }).detail,
      'attributes and excludedAttributes name more than 3 attributes together; ask for fewer',
    );
    assert.equal(parseProjection(userModel, 'emails[type eq "a"]', 'phoneNumbers[type eq "b"]', limits).excluded?.length, 1);
    assert.equal(
      throwsScimError(() => parseProjection(userModel, 'emails[type eq "a" and value eq "b"]', 'phoneNumbers[type eq "c"]', limits), { status: 400, scimType: 'tooMany' }).detail,
      'The value filters in attributes and excludedAttributes hold more than 2 comparisons together',
    );
  });

  it('keeps a whole attribute when it is asked for whole as well as by a sub-attribute', () => {
    const user: JsonObject = { schemas: [USER_SCHEMA, ENTERPRISE], id: 'u1', userName: 'a', name: { givenName: 'A', familyName: 'B' }, [ENTERPRISE]: { department: 'R', employeeNumber: '7' } };
    const project = (attributes: string) => applyProjection(userModel, user, parseProjection(userModel, attributes, undefined));
    assert.deepEqual(project('name.givenName,name').name, { givenName: 'A', familyName: 'B' });
    assert.deepEqual(project('name.givenName').name, { givenName: 'A' });
    assert.deepEqual(project(`${ENTERPRISE}:department,${ENTERPRISE}`)[ENTERPRISE], { department: 'R', employeeNumber: '7' });
  });
});

describe('a body that spells out its core schema as an object', () => {
  it('keeps its writable attributes and drops read-only, never-returned and membership ones', () => {
    const user = normalizeResource(userModel, { [USER_SCHEMA]: { userName: 'a', nickName: 'n', id: 'x', password: 'secret', groups: [{ value: 'g1' }] } });
    assert.deepEqual(user, { data: { userName: 'a', nickName: 'n' } });
    const group = normalizeResource(groupModel, { [GROUP_SCHEMA]: { displayName: 'g', members: [{ value: 'u1' }] } });
    assert.deepEqual(group, { data: { displayName: 'g' } });
  });
});
