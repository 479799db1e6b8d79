import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import type { JsonObject } from '../json.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { matchesResource } from './evaluate.js';
import { parseFilter } from './parser.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';

/** A user as representation.ts returns it. */
const USER: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, CUSTOM],
  id: 'Abc-1',
  externalId: 'Ext-1',
  userName: 'Alice@Example.com',
  displayName: '',
  nickName: '',
  title: 'Engineer',
  name: { givenName: 'Alice', familyName: 'Smith' },
  active: true,
  emails: [
    { value: 'alice@work.com', type: 'work', primary: true },
    { value: 'alice@home.org', type: 'home' },
  ],
  phoneNumbers: [],
  roles: [{ value: 'admin' }],
  [ENTERPRISE]: { employeeNumber: '42', manager: { value: 'm1' } },
  [CUSTOM]: { costCode: 'CC1' },
  meta: { resourceType: 'User', created: '2024-01-02T03:04:05.000Z', lastModified: '2024-06-01T00:00:00Z', version: 'W/"1"' },
};

const GROUP: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g1',
  displayName: 'Engineering',
  members: [
    { value: 'u1', type: 'User', display: 'Alice' },
    { value: 'g2', type: 'Group', display: 'Platform' },
  ],
};

/** Filters and whether USER matches them. */
const USER_CASES: [string, boolean][] = [
  // caseExact: userName is case-insensitive, id and externalId are case-exact.
  ['userName eq "alice@example.com"', true],
  ['userName eq "ALICE@EXAMPLE.COM"', true],
  ['userName eq "bob@example.com"', false],
  ['id eq "Abc-1"', true],
  ['id eq "abc-1"', false],
  ['externalId eq "Ext-1"', true],
  ['externalId eq "ext-1"', false],
  ['externalId sw "Ext"', true],
  ['externalId sw "ext"', false],
  // Every comparison operator on a string.
  ['title ne "Manager"', true],
  ['title ne "engineer"', false],
  ['title co "gin"', true],
  ['title co "GIN"', true],
  ['title co "xyz"', false],
  ['title sw "eng"', true],
  ['title sw "neer"', false],
  ['title ew "NEER"', true],
  ['title ew "Eng"', false],
  ['title gt "D"', true],
  ['title gt "F"', false],
  ['title ge "engineer"', true],
  ['title lt "F"', true],
  ['title lt "Engineer"', false],
  ['title le "engineer"', true],
  ['name.givenName eq "alice"', true],
  ['name.familyName sw "Sm"', true],
  // Multi-valued attributes match when any value does; `emails` alone compares the values.
  ['emails.value eq "ALICE@HOME.ORG"', true],
  ['emails.value ew ".org"', true],
  ['emails.value ew ".net"', false],
  ['emails co "home.org"', true],
  ['emails eq "alice@work.com"', true],
  ['emails.type eq "home"', true],
  ['roles eq "admin"', true],
  // ne is "not eq": true only when no value equals the operand.
  ['emails.type ne "work"', false],
  ['emails.type ne "other"', true],
  ['nickName ne "x"', true],
  ['locale ne "en"', true],
  // pr: empty strings, empty arrays and absent attributes are not present.
  ['title pr', true],
  ['displayName pr', false],
  ['nickName pr', false],
  ['locale pr', false],
  ['phoneNumbers pr', false],
  ['emails pr', true],
  ['name pr', true],
  ['name.middleName pr', false],
  ['x509Certificates pr', false],
  ['not (locale pr)', true],
  ['title eq null', false],
  ['locale eq null', true],
  ['title ne null', true],
  // Booleans, including Entra's string forms.
  ['active eq true', true],
  ['active eq false', false],
  ['active eq "true"', true],
  ['active eq "True"', true],
  ['active eq "FALSE"', false],
  ['active ne false', true],
  // dateTime compares instants, not text.
  ['meta.created gt "2024-01-01T00:00:00Z"', true],
  ['meta.created lt "2024-01-01T00:00:00Z"', false],
  ['meta.created eq "2024-01-02T03:04:05Z"', true],
  ['meta.created eq "2024-01-02T04:04:05+01:00"', true],
  ['meta.created gt "2024-01-02T04:04:05+01:00"', false],
  ['meta.created ge "2024-01-02T04:04:05+01:00"', true],
  ['meta.created le "2024-01-02T03:04:05Z"', true],
  ['meta.lastModified eq "2024-06-01T00:00:00.000Z"', true],
  ['meta.lastModified gt "2024-05-31T23:59:59Z"', true],
  // Value paths test one element against the whole bracket.
  ['emails[type eq "work"]', true],
  ['emails[type eq "work" and value ew "work.com"]', true],
  ['emails[type eq "work" and value ew "home.org"]', false],
  ['emails[type eq "home" and primary eq true]', false],
  ['emails[primary eq true]', true],
  ['emails[primary eq "True"]', true],
  ['emails[type pr]', true],
  ['emails[not (type eq "work")]', true],
  ['emails[type eq "other"]', false],
  ['phoneNumbers[type eq "work"]', false],
  ['emails[type eq "work"].value eq "alice@work.com"', true],
  ['emails[type eq "work"].value eq "ALICE@WORK.COM"', true],
  ['emails[type eq "work"].value eq "alice@home.org"', false],
  // Extensions: URN-qualified, or by bare name when the name is unambiguous.
  [`${ENTERPRISE}:employeeNumber eq "42"`, true],
  [`${ENTERPRISE}:employeeNumber eq "43"`, false],
  ['employeeNumber eq "42"', true],
  [`${ENTERPRISE}:manager.value eq "m1"`, true],
  [`${ENTERPRISE}:department pr`, false],
  [`${CUSTOM}:costCode eq "cc1"`, true],
  [`${CUSTOM}:other pr`, false],
  // Names of Object.prototype members are attributes like any other, here absent.
  [`${CUSTOM}:constructor pr`, false],
  [`${CUSTOM}:toString.x pr`, false],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "alice"', true],
  // Logic.
  ['title pr and active eq true', true],
  ['title pr and active eq false', false],
  ['locale pr or active eq true', true],
  ['locale pr or active eq false', false],
  ['not (title pr and active eq false)', true],
  ['userName eq "x" or title eq "y" and active eq true', false],
  ['userName eq "alice@example.com" or title eq "y" and active eq false', true],
  ['(userName eq "alice@example.com" or title eq "y") and active eq false', false],
];

describe('matchesResource', () => {
  for (const [filter, expected] of USER_CASES) {
    it(`${expected ? 'matches' : 'does not match'} ${filter}`, () => {
      assert.equal(matchesResource(parseFilter(filter), USER, userModel), expected);
    });
  }

  const GROUP_CASES: [string, boolean][] = [
    ['displayName eq "engineering"', true],
    ['members[value eq "u1"]', true],
    ['members[type eq "Group" and display sw "plat"]', true],
    ['members[value eq "nobody"]', false],
    ['members.value eq "g2"', true],
    ['members eq "g2"', true],
    ['members pr', true],
  ];
  for (const [filter, expected] of GROUP_CASES) {
    it(`${expected ? 'matches' : 'does not match'} the group with ${filter}`, () => {
      assert.equal(matchesResource(parseFilter(filter), GROUP, groupModel), expected);
    });
  }

  const ERRORS: [string, RegExp][] = [
    ['foo pr', /Unknown attribute foo/],
    ['name.foo eq "x"', /Unknown attribute name\.foo/],
    ['active gt true', /boolean and only supports eq and ne/],
    ['active eq "yes"', /boolean; compare it with true or false/],
    ['meta.created gt "yesterday"', /dateTime; "yesterday" is not one/],
    ['name eq "Alice"', /complex; compare one of its sub-attributes/],
    ['addresses co "x"', /complex; compare one of its sub-attributes/],
    ['title gt true', /cannot be ordered against a boolean/],
    ['title gt null', /not supported/],
    ['emails[foo eq "x"]', /emails has no sub-attribute foo/],
    ['emails[name.givenName eq "x"]', /is not a sub-attribute of emails/],
    ['name[givenName eq "x"]', /name is not multi-valued/],
  ];
  for (const [filter, detail] of ERRORS) {
    it(`rejects ${filter} with 400 invalidFilter`, () => {
      throwsScimError(() => matchesResource(parseFilter(filter), USER, userModel), { status: 400, scimType: 'invalidFilter', detail });
    });
  }
});
