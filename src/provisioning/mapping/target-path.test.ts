import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupModel, userModel } from '../../scim/schema/resource-models.js';
import { coerceTargetValue, parseTargetPath, readTarget, writeTarget } from './target-path.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('target attribute paths', () => {
  const CANONICAL: [string, string][] = [
    ['userName', 'userName'],
    ['USERNAME', 'userName'],
    ['name.givenName', 'name.givenName'],
    ['emails[type eq "work"].value', 'emails[type eq "work"].value'],
    ['emails[TYPE EQ "work"].VALUE', 'emails[type eq "work"].value'],
    ['addresses[type eq "work" and primary eq true].locality', 'addresses[type eq "work" and primary eq true].locality'],
    ['department', `${ENTERPRISE}:department`],
    [`${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:employeeNumber`],
    ['manager', `${ENTERPRISE}:manager`],
    [`${ENTERPRISE}:manager.value`, `${ENTERPRISE}:manager`],
    ['urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCode', 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCode'],
  ];
  for (const [text, canonical] of CANONICAL) {
    it(`reads ${text} as ${canonical}`, () => assert.equal(parseTargetPath(text, userModel).text, canonical));
  }

  const REFUSED: [string, RegExp][] = [
    ['nickname2', /is not an attribute of a SCIM User/],
    ['emails.value', /multi-valued, so name the element, e.g. emails\[type eq "work"\]\.value/],
    ['userName[type eq "x"]', /single-valued and takes no \[filter\]/],
    ['emails[type ne "work"].value', /made of "eq" joined by "and"/],
    ['id', /read-only/],
    ['groups', /read-only|membership/],
    [ENTERPRISE, /whole extension/],
    ['emails[type eq "work"', /unclosed/],
  ];
  for (const [text, message] of REFUSED) {
    it(`refuses ${text}`, () => assert.throws(() => parseTargetPath(text, userModel), message));
  }

  it('refuses members on groups: they come from memberships', () => {
    assert.throws(() => parseTargetPath('members', groupModel), /membership/);
  });

  it('writes and reads back values at every kind of path, creating filtered elements from their filter', () => {
    const doc = {};
    for (const [text, value] of [
      ['userName', 'a@x'],
      ['name.givenName', 'A'],
      ['emails[type eq "work"].value', 'a@x'],
      ['emails[type eq "home"].value', 'a@home'],
      ['addresses[type eq "work"].locality', 'Oslo'],
      ['addresses[type eq "work"].country', 'NO'],
      ['department', 'Sales'],
      ['manager', 'mgr-id'],
    ] as const) {
      const path = parseTargetPath(text, userModel);
      writeTarget(doc, path, value);
      assert.equal(readTarget(doc, path), value, text);
    }
    assert.deepEqual(doc, {
      userName: 'a@x',
      name: { givenName: 'A' },
      emails: [
        { type: 'work', value: 'a@x' },
        { type: 'home', value: 'a@home' },
      ],
      addresses: [{ type: 'work', locality: 'Oslo', country: 'NO' }],
      [ENTERPRISE]: { department: 'Sales', manager: { value: 'mgr-id' } },
    });
  });

  it('reads attributes case-insensitively from what a server returns', () => {
    const doc = { UserName: 'x', Emails: [{ Type: 'work', Value: 'w@x' }], [ENTERPRISE.toLowerCase()]: { Manager: { value: 'm' } } };
    assert.equal(readTarget(doc, parseTargetPath('userName', userModel)), 'x');
    assert.equal(readTarget(doc, parseTargetPath('emails[type eq "work"].value', userModel)), 'w@x');
    assert.equal(readTarget(doc, parseTargetPath('manager', userModel)), 'm');
  });

  const COERCIONS: [string, unknown, unknown][] = [
    ['active', 'True', true],
    ['active', 'false', false],
    ['active', true, true],
    ['userName', 42, '42'],
    ['userName', ['only'], 'only'],
    ['userName', '', undefined],
    ['userName', null, undefined],
    ['emails', [{ value: 'a@x', type: 'work' }], [{ value: 'a@x', type: 'work' }]],
    ['manager', { value: 'k1' }, 'k1'],
  ];
  for (const [text, input, expected] of COERCIONS) {
    it(`coerces ${JSON.stringify(input)} for ${text}`, () => assert.deepEqual(coerceTargetValue(parseTargetPath(text, userModel), input), expected));
  }

  it('refuses values the attribute cannot hold', () => {
    assert.throws(() => coerceTargetValue(parseTargetPath('active', userModel), 'maybe'), /active must be a boolean, not "maybe"/);
    assert.throws(() => coerceTargetValue(parseTargetPath('userName', userModel), ['a', 'b']), /takes one value, but 2 were mapped/);
  });
});
