import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import { invalidFilter } from '../errors.js';
import { formatAttrPath, parseAttrPath, type AttrPath } from './attr-path.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parseAttrPath', () => {
  const VALID: [string, AttrPath][] = [
    ['userName', { attr: 'userName' }],
    ['name.givenName', { attr: 'name', sub: 'givenName' }],
    ['$ref', { attr: '$ref' }],
    ['x509Certificates', { attr: 'x509Certificates' }],
    ['my-attr_2', { attr: 'my-attr_2' }],
    [`${ENTERPRISE}:employeeNumber`, { uri: ENTERPRISE, attr: 'employeeNumber' }],
    [`${ENTERPRISE}:manager.value`, { uri: ENTERPRISE, attr: 'manager', sub: 'value' }],
    ['URN:IETF:params:scim:schemas:core:2.0:User:userName', { uri: 'URN:IETF:params:scim:schemas:core:2.0:User', attr: 'userName' }],
    ['urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User:costCode', { uri: 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User', attr: 'costCode' }],
  ];
  for (const [text, expected] of VALID) {
    it(`parses ${text} and formats it back unchanged`, () => {
      assert.deepEqual(parseAttrPath(text), expected);
      assert.equal(formatAttrPath(expected), text);
    });
  }

  const INVALID = ['', '1st', 'name.', '.name', 'name..givenName', 'name.given.name', 'user name', 'emails[type eq "work"]', 'urn:x:', 'a:b', 'xurn:ietf:params:a'];
  for (const text of INVALID) {
    it(`rejects ${JSON.stringify(text)} with 400 invalidPath`, () => {
      throwsScimError(() => parseAttrPath(text), { status: 400, scimType: 'invalidPath', detail: /not a valid attribute path/ });
    });
  }

  it('uses the error constructor it is given', () => {
    throwsScimError(() => parseAttrPath('1st', invalidFilter), { status: 400, scimType: 'invalidFilter' });
  });
});
