import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userModel } from '../../scim/schema/resource-models.js';
import { closestName } from '../expressions/closest-name.js';
import { compileMappings } from './compile-mappings.js';
import type { AttributeMapping } from './mapping.js';
import { scimSourceNames } from './source-names.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CSV = { names: ['objectId', 'userPrincipalName', 'givenName', 'surname', 'displayName', 'department'], from: 'the columns of users.csv' };
const userName: AttributeMapping = { target: 'userName', source: 'userPrincipalName', matching: 1 };
const compile = (mapping: AttributeMapping, known = CSV) => compileMappings([userName, mapping], userModel, 'user', known);

describe('checking the source attributes mappings read', () => {
  it('refuses a misspelt direct source and suggests the column', () => {
    assert.throws(
      () => compile({ target: 'displayName', source: 'displyName' }),
      (error: Error) => error.message === 'user mapping 2 ("displayName"): the source has no attribute "displyName" (did you mean "displayName"? checked against the columns of users.csv)',
    );
  });

  it('points at the first character of a misspelt attribute inside an expression', () => {
    assert.throws(
      () => compile({ target: 'name.givenName', expression: 'ToLower([givenNmae])' }),
      (error: Error) =>
        error.message ===
        [
          'user mapping 2 ("name.givenName"): The source has no attribute [givenNmae] (did you mean [givenName]? checked against the columns of users.csv) at character 10',
          '  ToLower([givenNmae])',
          '           ^',
        ].join('\n'),
    );
    assert.throws(() => compile({ target: 'displayName', expression: 'Join(" ", [givenName], [ surnme ])' }), /no attribute \[surnme\] \(did you mean \[surname\]\?.* at character 26\n/);
  });

  it('suggests nothing when no column is close, and still says what was checked', () => {
    assert.throws(() => compile({ target: 'title', source: 'jobTitle' }), /the source has no attribute "jobTitle" \(checked against the columns of users\.csv\)$/);
  });

  it('accepts names in any case, the engine-computed IsSoftDeleted, constants and defaults', () => {
    const compiled = compileMappings(
      [
        { target: 'userName', source: 'USERPRINCIPALNAME', matching: 1 },
        { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
        { target: 'displayName', expression: 'Coalesce([DisplayName], [givenname])' },
        { target: 'userType', constant: 'Employee' },
      ],
      userModel,
      'user',
      CSV,
    );
    assert.equal(compiled.length, 4);
  });

  it('checks nothing when nothing is known about the source', () => {
    assert.equal(compile({ target: 'title', source: 'anything' }, { names: [], from: 'nothing' }).length, 2);
    assert.equal(compileMappings([userName, { target: 'title', source: 'anything' }], userModel, 'user').length, 2);
  });

  it('knows the names a SCIM resource flattens to, and suggests the URN of a short extension name', () => {
    const names = scimSourceNames(userModel);
    for (const name of ['userName', 'externalId', 'name.givenName', 'emails', `${ENTERPRISE}:department`, `${ENTERPRISE}:manager`]) assert.ok(names.includes(name), name);
    for (const name of ['id', 'meta', 'groups', 'password', 'name']) assert.ok(!names.includes(name), name);
    const scim = (mapping: AttributeMapping) => compileMappings([{ target: 'userName', source: 'userName', matching: 1 }, mapping], userModel, 'user', { names, from: 'the SCIM User schema' });
    assert.throws(() => scim({ target: 'title', source: 'department' }), new RegExp(`did you mean "${ENTERPRISE}:department"\\?`));
    assert.throws(() => scim({ target: 'title', source: 'name.givenNam' }), /did you mean "name\.givenName"\?/);
    assert.equal(scim({ target: 'title', source: `${ENTERPRISE}:Department` }).length, 2);
  });

  const CLOSEST: [string, string[], string | undefined][] = [
    ['toLower', ['ToLower', 'ToUpper'], 'ToLower'],
    ['ToLowr', ['ToLower', 'ToUpper'], 'ToLower'],
    ['givenNmae', ['surname', 'givenName'], 'givenName'],
    ['mail', ['mobile', 'mailNickname'], undefined],
    ['dept', ['department'], undefined],
    ['x', ['y'], 'y'],
  ];
  for (const [name, known, expected] of CLOSEST) {
    it(`suggests ${expected ?? 'nothing'} for ${name}`, () => assert.equal(closestName(name, known), expected));
  }
});
