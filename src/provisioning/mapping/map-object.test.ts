import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupModel, userModel } from '../../scim/schema/resource-models.js';
import { compileMappings, matchingMappings } from './compile-mappings.js';
import { ENTRA_GROUP_MAPPINGS, ENTRA_USER_MAPPINGS, identityMappings } from './default-mappings.js';
import type { AttributeMapping } from './mapping.js';
import { mapObject } from './map-object.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const NOW = new Date('2026-01-02T03:04:05Z');

function run(mappings: AttributeMapping[], attributes: Record<string, unknown>) {
  return mapObject(compileMappings(mappings, userModel, 'user'), { attribute: (name) => attributes[name], now: () => NOW });
}

describe('attribute mapping', () => {
  it("applies Entra's default user mappings to directory attributes", () => {
    const mapped = run(ENTRA_USER_MAPPINGS, {
      userPrincipalName: 'zoe@contoso.com',
      mail: 'zoe.smith@contoso.com',
      mailNickname: 'zoe',
      givenName: 'Zoë',
      surname: 'Smith',
      jobTitle: 'Engineer',
      department: 'R&D',
      employeeId: '1001',
      mobile: '+47 1234',
      manager: 'boss-object-id',
      IsSoftDeleted: 'False',
    });
    assert.deepEqual(mapped.attributes, {
      userName: 'zoe@contoso.com',
      active: true,
      title: 'Engineer',
      'emails[type eq "work"].value': 'zoe.smith@contoso.com',
      'name.givenName': 'Zoë',
      'name.familyName': 'Smith',
      'name.formatted': 'Zoë Smith',
      'phoneNumbers[type eq "mobile"].value': '+47 1234',
      externalId: 'zoe',
      [`${ENTERPRISE}:employeeNumber`]: '1001',
      [`${ENTERPRISE}:department`]: 'R&D',
    });
    assert.equal(mapped.managerKey, 'boss-object-id');
    assert.deepEqual(mapped.createOnly, {});
  });

  it('turns IsSoftDeleted into active=false through the Switch expression', () => {
    assert.equal(run(ENTRA_USER_MAPPINGS, { userPrincipalName: 'a', IsSoftDeleted: 'True' }).attributes.active, false);
  });

  it('keeps constants, apply-on-create-only values and defaults-if-null for the create', () => {
    const mapped = run(
      [
        { target: 'userName', source: 'upn', matching: 1 },
        { target: 'userType', constant: 'Employee' },
        { target: 'externalId', expression: 'Guid()', apply: 'create' },
        { target: 'title', source: 'jobTitle', defaultIfNull: 'Staff' },
        { target: 'nickName', source: 'nick', defaultIfNull: 'unused' },
      ],
      { upn: 'a@x', nick: 'Al' },
    );
    assert.deepEqual(mapped.attributes, { userName: 'a@x', userType: 'Employee', nickName: 'Al' });
    assert.equal(Object.keys(mapped.createOnly).sort().join(), 'externalId,title');
    assert.equal(mapped.createOnly.title, 'Staff');
  });

  it('leaves the target alone on updates when a value with a default is null, as Entra never sends its removal', () => {
    const mappings: AttributeMapping[] = [
      { target: 'userName', source: 'upn', matching: 1 },
      { target: 'division', source: 'division', defaultIfNull: 'Unassigned' },
    ];
    assert.deepEqual(run(mappings, { upn: 'a@x' }).ignored, [`${ENTERPRISE}:division`]);
    const withValue = run(mappings, { upn: 'a@x', division: 'Sales' });
    assert.deepEqual([withValue.ignored, withValue.attributes[`${ENTERPRISE}:division`]], [[], 'Sales']);
  });

  it('leaves an attribute alone when IgnoreFlowIfNullOrEmpty says so, and records Redact', () => {
    const mapped = run(
      [
        { target: 'userName', source: 'upn', matching: 1 },
        { target: 'title', expression: 'IgnoreFlowIfNullOrEmpty([jobTitle])' },
        { target: 'nickName', expression: 'Redact([secretNick])' },
      ],
      { upn: 'a', secretNick: 'hush' },
    );
    assert.deepEqual(mapped.ignored, ['title']);
    assert.deepEqual(mapped.redacted, ['nickName']);
    assert.equal(mapped.attributes.nickName, 'hush');
  });

  it('gives SelectUniqueValue candidates for the engine to check on the target, and the default when there are none', () => {
    const mappings: AttributeMapping[] = [
      { target: 'userName', source: 'upn', matching: 1 },
      { target: 'nickName', expression: 'SelectUniqueValue([a], [b], "fixed")', apply: 'create' },
      { target: 'displayName', expression: 'SelectUniqueValue([a], [b])', apply: 'create', defaultIfNull: 'Nobody' },
    ];
    const mapped = run(mappings, { upn: 'u', a: 'first', b: 'second' });
    assert.deepEqual(mapped.unique, [
      { path: 'nickName', candidates: ['first', 'second', 'fixed'] },
      { path: 'displayName', candidates: ['first', 'second'] },
    ]);
    assert.deepEqual(mapped.createOnly, {}, 'the value is chosen on the target');
    const empty = run(mappings, { upn: 'u' });
    assert.deepEqual(empty.unique, [{ path: 'nickName', candidates: ['fixed'] }]);
    assert.equal(empty.createOnly.displayName, 'Nobody');
  });

  it('says which target failed and why', () => {
    assert.throws(() => run([{ target: 'active', source: 'enabled' }], { enabled: 'perhaps' }), /^Error: active: active must be a boolean, not "perhaps"$/);
    assert.throws(() => run([{ target: 'title', expression: 'Left([a], "x")' }], { a: 'x' }), /^Error: title: Left: NumChars must be a whole number.* at character 1$/);
  });

  const INVALID: [AttributeMapping[], RegExp][] = [
    [[{ target: 'userName' }], /user mapping 1 \("userName"\): give exactly one of "source", "constant" or "expression"/],
    [[{ target: 'userName', source: 'a', constant: 'b' }], /exactly one/],
    [[{ target: 'nope', source: 'a' }], /user mapping 1 \("nope"\): "nope" is not an attribute of a SCIM User/],
    [[{ target: 'userName', source: 'a' }, { target: 'USERNAME', source: 'b' }], /user mapping 2 .*mapping 1 already maps userName/],
    [[{ target: 'title', expression: 'Join(" ", [a] [b])' }], /user mapping 1 \("title"\): Expected "," or "\)" in the arguments of Join but found the attribute \[b\] at character 15\n  Join\(" ", \[a\] \[b\]\)\n {16}\^/],
    [[{ target: 'active', constant: 'maybe' }], /active must be a boolean/],
    [[{ target: 'manager', source: 'm', matching: 1 }], /manager cannot be a matching attribute/],
    [[{ target: 'userName', source: 'a', matching: 0 }], /"matching" is a precedence/],
    [[{ target: 'userName', source: 'a', apply: 'sometimes' as 'always' }], /"apply" is "always" or "create"/],
    [[{ target: 'nickName', expression: 'SelectUniqueValue([a], [b])' }], /SelectUniqueValue only gives a value when the object is created: add "apply": "create"/],
    [[{ target: 'userName', expression: 'SelectUniqueValue([a], [b])', apply: 'create', matching: 1 }], /SelectUniqueValue cannot give a matching attribute/],
    [[{ target: 'emails', expression: 'SelectUniqueValue([a], [b])', apply: 'create' }], /SelectUniqueValue needs an attribute with one value/],
  ];
  for (const [mappings, message] of INVALID) {
    it(`refuses ${JSON.stringify(mappings)}`, () => assert.throws(() => compileMappings(mappings, userModel, 'user'), message));
  }

  it('orders matching attributes by precedence', () => {
    const compiled = compileMappings(
      [
        { target: 'externalId', source: 'id', matching: 2 },
        { target: 'userName', source: 'upn', matching: 1 },
        { target: 'title', source: 't' },
      ],
      userModel,
      'user',
    );
    assert.deepEqual(matchingMappings(compiled).map((m) => m.path.text), ['userName', 'externalId']);
  });

  it('maps SCIM columns to themselves, matching on the name then externalId', () => {
    assert.deepEqual(identityMappings(['userName', 'externalId', 'name.givenName'], 'userName'), [
      { target: 'userName', source: 'userName', matching: 1 },
      { target: 'externalId', source: 'externalId', matching: 2 },
      { target: 'name.givenName', source: 'name.givenName' },
    ]);
  });

  it("compiles Entra's default group mappings", () => {
    assert.deepEqual(compileMappings(ENTRA_GROUP_MAPPINGS, groupModel, 'group').map((m) => m.path.text), ['displayName', 'externalId']);
  });
});
