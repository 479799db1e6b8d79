import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { groupModel, userModel } from '../../src/scim/schema/resource-models.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../support/scim-assertions.js';
import type { TestDirectory } from '../support/test-server.js';
import { ACME, startPeopleDirectory, type PeopleDirectory } from './support/compiler-people.js';
import { compareWithEvaluator } from './support/evaluator-differential.js';

/**
 * The SQL filter compiler (src/store/sql/filter-compiler.ts) against the protocol core's own
 * evaluator: every filter runs as SQL in the real database and must select exactly the
 * resources the in-memory evaluator selects from the same representations. Fast enough to be
 * the mutation-testing subset of the `sql-filter` area (stryker.config.mjs).
 */
const MANAGER = `${ENTERPRISE_SCHEMA}:manager`;

const USER_FILTERS = [
  'userName eq "bob"',
  'userName eq "BOB"',
  'userName eq "Ada.Lovelace"',
  'userName ne "bob"',
  'userName co "a"',
  'userName co "A"',
  'userName sw "c"',
  'userName ew ".com"',
  'userName gt "carol"',
  'userName ge "Carol"',
  'userName lt "C"',
  'userName le "bob"',
  'userName pr',
  'externalId eq "E-001"',
  'externalId eq "e-001"',
  'externalId sw "E-"',
  'externalId co "-00"',
  'externalId pr',
  'not (externalId pr)',
  'externalId eq null',
  'externalId ne null',
  'displayName eq "carol"',
  'displayName co "\\"F\\""',
  'displayName ew "Neil"',
  'displayName pr',
  'title eq "analyst"',
  'title sw "Analyst"',
  'title co "("',
  'title pr and active eq false',
  'not (title pr)',
  'title eq null',
  'title ne null',
  'active eq true',
  'active eq false',
  'active ne true',
  'active pr',
  'nickName eq "DAVE"',
  'userType eq "Employee"',
  'name pr',
  'not (name pr)',
  'name.familyName eq "hopper"',
  'name.familyName sw "C"',
  'name.givenName pr',
  'not (name.givenName pr)',
  'name.familyName gt "D"',
  'name.familyName lt "Cohen"',
  'name.familyName le "Cohen"',
  'emails pr',
  'emails co "home"',
  'emails eq "ADA@work.example"',
  'emails.value ew "@work.example"',
  'emails.value eq "bob@home.example"',
  'emails.value eq "carol@work.example"',
  'emails.type eq "work"',
  'emails.primary eq true',
  'emails.value eq 5',
  'profileUrl pr',
  'x509Certificates pr',
  'emails[type eq "work"]',
  'emails[type eq "work" and primary eq true]',
  'emails[type eq "work" and value sw "carol"]',
  'emails[value eq "Z.Cohen@work.example"]',
  'emails[type eq "home" and value eq "ada@home.example"]',
  'emails[type eq "home" or type eq "other"]',
  'emails[not (type eq "work")]',
  'emails[value co "example"].value ew ".example"',
  'emails[type eq "work"].value sw "c"',
  `${ACME}:level eq "b"`,
  'emails[type eq "work"].value eq "CAROL@work.example"',
  'phoneNumbers[type eq "mobile"]',
  'phoneNumbers.value co "555"',
  'phoneNumbers pr',
  `${ENTERPRISE_SCHEMA}:department eq "research"`,
  `${ENTERPRISE_SCHEMA}:department pr`,
  `${ENTERPRISE_SCHEMA}:employeeNumber gt "2"`,
  `${ENTERPRISE_SCHEMA}:employeeNumber lt "2"`,
  `${MANAGER} pr`,
  `${MANAGER}.value eq "boss-1"`,
  `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "eve"`,
  'title eq "Analyst" or active eq false',
  'title eq "Analyst" and not (nickName pr)',
  '(active eq true and emails.type eq "work") or userName eq "eve"',
  'not (active eq true or title pr)',
  'meta.resourceType eq "User"',
  'meta.resourceType eq "user"',
  'meta.resourceType ne "User"',
  'meta.resourceType co "se"',
  'meta.resourceType co "SE"',
  'meta.resourceType sw "U"',
  'meta.resourceType ew "r"',
  'meta.resourceType ew "x"',
  'meta.resourceType gt "A"',
  'meta.resourceType gt "User"',
  'meta.resourceType ge "User"',
  'meta.resourceType lt "V"',
  'meta.resourceType lt "User"',
  'meta.resourceType le "User"',
  'meta.resourceType le "Group"',
  'meta.created pr',
  'meta.lastModified gt "2000-01-01T00:00:00Z"',
  'meta.created lt "2000-01-01T00:00:00Z"',
  'meta.created co "T"',
  'id pr',
];

/** Filters naming resources by id: `{userName}` stands for that user's id, `{group:name}` for a group's. */
const GROUP_FILTERS = [
  'displayName eq "analysts"',
  'displayName sw "E"',
  'displayName pr',
  'members[type eq "Group" and display eq "ada"]',
  'members pr',
  'not (members pr)',
  'members eq "{Ada.Lovelace}"',
  'members.value eq "{dave@example.com}"',
  'members.value ne "{dave@example.com}"',
  'members[value eq "{bob}"]',
  'members[value eq "{group:Analysts}"]',
  'members.display eq "ADA"',
  'members.display co "o"',
  'members[type eq "Group"]',
  'members[type eq "User" and display sw "d"]',
  'members.type eq "User"',
  'members[not (type eq "User")]',
];

const USER_MEMBERSHIP_FILTERS = ['groups pr', 'not (groups pr)', 'groups.value eq "{group:Analysts}"', 'groups[display eq "everyone"]', 'groups.display sw "A"'];

/** Attributes of an extension scimd does not know keep their JSON types; literals compare by theirs. */
const OPEN_PEOPLE = [
  { userName: 'open-1', [ACME]: { badge: 5, level: 'Gold', flag: true, tags: ['x', 'Y'], nested: { k: 'v' } } },
  { userName: 'open-2', [ACME]: { badge: 12, level: 'silver', flag: false, tags: 'x', nested: { k: 'w' } } },
  { userName: 'open-3', [ACME]: { badge: '7', level: '', nested: { k: 0 } } },
  { userName: 'open-4' },
];
const OPEN_FILTERS = [
  `${ACME}:badge gt 6`,
  `${ACME}:badge ge 12`,
  `${ACME}:badge lt 10`,
  `${ACME}:badge le 5`,
  `${ACME}:badge eq 5`,
  `${ACME}:badge ne 5`,
  `${ACME}:badge eq "7"`,
  `${ACME}:badge co "1"`,
  `${ACME}:badge pr`,
  `not (${ACME}:badge pr)`,
  `${ACME}:level eq "gold"`,
  `${ACME}:level sw "S"`,
  `${ACME}:level pr`,
  `${ACME}:flag eq true`,
  `${ACME}:flag eq false`,
  `${ACME}:flag eq "true"`,
  `${ACME}:tags eq "y"`,
  `${ACME}:tags co "x"`,
  `${ACME}:tags pr`,
  `${ACME}:nested.k eq "v"`,
  `${ACME}:nested.k pr`,
];

for (const backend of BACKENDS) {
  describe(`the SQL filter compiler agrees with the evaluator (${backend})`, () => {
    let people: PeopleDirectory;
    let dir: TestDirectory;
    let users: Record<string, any>[];
    let groups: Record<string, any>[];
    const ids = new Map<string, string>();
    before(async () => {
      people = await startPeopleDirectory(backend);
      dir = people.dir;
      for (const user of people.users) ids.set(user.userName, user.id);
      // Analysts holds two users; Everyone holds a user and the Analysts group; Empty holds nobody.
      const create = async (displayName: string, members: string[]) => {
        const response = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
        assert.equal(response.status, 201, response.text);
        ids.set(`group:${displayName}`, response.body.id);
      };
      await create('Analysts', [ids.get('Ada.Lovelace')!, ids.get('dave@example.com')!]);
      await create('Everyone', [ids.get('bob')!, ids.get('group:Analysts')!]);
      await create('Empty', []);
      users = (await dir.request('GET', '/Users?count=1000')).body.Resources;
      groups = (await dir.request('GET', '/Groups?count=1000')).body.Resources;
      assert.equal(groups.length, 3);
    });
    after(() => people.server.close());

    it('selects exactly the users the evaluator selects, for every operator, value path and combination', async () => {
      const sizes = await compareWithEvaluator(dir, '/Users', userModel, users, USER_FILTERS);
      assert.ok(sizes.size >= 5 && sizes.has(0) && sizes.has(users.length), `the filters select sets of many sizes: ${[...sizes].sort()}`);
    });

    it('filters groups by their members (id, display, type) and users by their groups, from the membership table', async () => {
      const sizes = await compareWithEvaluator(dir, '/Groups', groupModel, groups, GROUP_FILTERS, ids);
      assert.ok(sizes.has(0) && sizes.has(1) && sizes.has(2) && sizes.has(3), `the filters select sets of many sizes: ${[...sizes].sort()}`);
      await compareWithEvaluator(dir, '/Users', userModel, users, USER_MEMBERSHIP_FILTERS, ids);
    });

    it('compares attributes of an unknown extension by their own JSON type', async () => {
      const other = await people.server.createDirectory();
      for (const body of OPEN_PEOPLE) assert.equal((await other.request('POST', '/Users', { schemas: [USER_SCHEMA, ...(body[ACME] ? [ACME] : [])], ...body })).status, 201);
      const stored = (await other.request('GET', '/Users?count=1000')).body.Resources;
      const sizes = await compareWithEvaluator(other, '/Users', userModel, stored, OPEN_FILTERS);
      assert.ok(sizes.has(0) && sizes.has(1) && sizes.has(2), `the filters select sets of many sizes: ${[...sizes].sort()}`);
    });

    it('reads an attribute one resource type lacks as having no value in a root search', async () => {
      const everyUser = users.map((u) => u.userName as string);
      const everyGroup = ['Analysts', 'Empty', 'Everyone'];
      const cases: [string, string[]][] = [
        ['userName pr', everyUser],
        ['not (userName pr)', everyGroup],
        ['userName eq "bob" or displayName eq "everyone"', ['Everyone', 'bob']],
        ['userName ne "bob"', [...everyUser.filter((n) => n !== 'bob'), ...everyGroup]],
        ['userName eq null', everyGroup],
        ['userName ne null', everyUser],
        [`members[value eq "${ids.get('Ada.Lovelace')}"]`, ['Analysts']],
        ['emails[type eq "home"]', ['Ada.Lovelace', 'bob']],
        ['members pr and displayName sw "e"', ['Everyone']],
      ];
      for (const [filter, expected] of cases) {
        const response = await dir.request('POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, count: 1000 });
        assert.equal(response.status, 200, `${filter}: ${response.text}`);
        const names = response.body.Resources.map((r: Record<string, any>) => r.userName ?? r.displayName).sort();
        assert.deepEqual(names, [...expected].sort(), filter);
      }
    });

    it('refuses what no column or document can answer with 400 invalidFilter and a detail that names it', async () => {
      const refusals: [string, string][] = [
        ['/Users', 'title gt null'],
        ['/Users', 'title[value eq "x"]'],
        ['/Users', 'name[givenName eq "Ada"]'],
        ['/Users', 'name.givenName[value eq "x"]'],
        ['/Users', 'meta.version eq "W/\\"1\\""'],
        ['/Users', 'emails[foo eq "x"]'],
        ['/Users', 'emails[name.givenName eq "x"]'],
        ['/Users', 'nosuch eq "x"'],
        ['/Users', `${MANAGER} eq "boss-1"`],
        ['/Groups', 'members.$ref eq "x"'],
        ['/Groups', 'members[$ref eq "x"]'],
      ];
      const details: string[] = [];
      for (const [endpoint, filter] of refusals) {
        const response = await dir.request('GET', `${endpoint}?filter=${encodeURIComponent(filter)}`);
        assertScimError(response, 400, 'invalidFilter');
        details.push(response.body.detail);
      }
      assert.deepEqual(details, [
        'title gt null is not meaningful',
        'title is not multi-valued',
        'name is not multi-valued',
        'A value filter cannot follow the sub-attribute name.givenName',
        'Filtering on meta.version is not supported',
        'emails has no sub-attribute foo',
        'name.givenName is not a sub-attribute of emails',
        'Unknown attribute nosuch',
        `${MANAGER} is complex; compare one of its sub-attributes`,
        'Filtering on members.$ref is not supported',
        'Filtering on members.$ref is not supported',
      ]);
    });
  });
}
