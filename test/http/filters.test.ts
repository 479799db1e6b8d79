import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchesResource } from '../../src/scim/filter/evaluate.js';
import { parseFilter } from '../../src/scim/filter/parser.js';
import type { JsonObject } from '../../src/scim/json.js';
import { groupModel, userModel, type ResourceModel } from '../../src/scim/schema/resource-models.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, ENTERPRISE_SCHEMA, GROUP_SCHEMA, patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const ACME = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
const BASE_TIME = Date.parse('2025-03-01T08:00:00.000Z');
const minutes = (n: number) => new Date(BASE_TIME + n * 60_000);

const GIVEN = ['Ada', 'Grace', 'Alan', 'Édith', 'Zoë', 'barbara', 'Linus', 'Margaret', 'Ken', 'Dennis'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Piaf', 'Ångström', 'liskov', 'Torvalds', 'Hamilton', "O'Brien", 'Ritchie', 'MÜLLER', 'de la Cruz'];
const TITLES = ['Engineer', 'Senior Engineer', 'manager', 'Director', 'VP Sales', '', 'engineer'];
const DEPARTMENTS = ['Sales', 'Engineering', 'engineering', 'R&D', 'Sales & Marketing'];
const NICKNAMES = ['quote"inside', 'back\\slash', '100%', 'under_score', 'semi;colon', "it's", 'ÜBER', 'tab\there'];

/**
 * Forty users that differ in every way a filter can tell: present and missing attributes, case,
 * non-ASCII letters, multi-valued emails with and without types, enterprise attributes, an
 * unknown extension, creation times a minute apart and some later modifications.
 */
function seedUser(i: number, managerId: string | undefined): JsonObject {
  const given = GIVEN[i % GIVEN.length];
  const family = FAMILY[i % FAMILY.length];
  const user: JsonObject = {
    schemas: [USER_SCHEMA],
    userName: `${i % 5 === 0 ? given.toUpperCase() : given.toLowerCase()}.${family.replace(/[^A-Za-zÀ-ÿ]/g, '').toLowerCase()}${i}@${i % 3 === 0 ? 'example.com' : 'Contoso.org'}`,
  };
  if (i % 4 !== 0) user.externalId = i % 3 === 0 ? `EXT-${i}` : `ext-${i}`;
  if (i % 7 !== 3) {
    const name: JsonObject = { givenName: given, familyName: family };
    if (i % 2 === 0) name.formatted = `${given} ${family}`;
    if (i % 9 === 0) name.middleName = 'Q';
    user.name = name;
  }
  if (i % 6 !== 5) user.displayName = `${given} ${family}`;
  if (i % 3 !== 0) user.title = TITLES[i % TITLES.length];
  if (i % 3 === 1) user.active = true;
  if (i % 3 === 2) user.active = false;
  if (i % 8 === 0) user.nickName = NICKNAMES[(i / 8) % NICKNAMES.length];
  if (i % 11 === 1) user.nickName = NICKNAMES[(i + 3) % NICKNAMES.length];
  if (i % 5 !== 0) {
    const emails: JsonObject[] = [{ value: `${given.toLowerCase()}${i}@work.example.com`, type: 'work', primary: i % 2 === 0 }];
    if (i % 4 === 1) emails.push({ value: `${given.toUpperCase()}${i}@Home.Example.NET`, type: 'home' });
    if (i % 7 === 2) emails.push({ value: `untyped${i}@example.com` });
    user.emails = emails;
  }
  if (i % 6 === 1) user.phoneNumbers = [{ value: `+1 555 01${String(i).padStart(2, '0')}`, type: i % 12 === 1 ? 'mobile' : 'work' }];
  if (i % 10 === 4) user.addresses = [{ type: 'work', country: i % 20 === 4 ? 'DE' : 'US', locality: 'Springfield' }];
  if (i % 2 === 1) user.locale = i % 4 === 1 ? 'en-US' : 'de-DE';
  if (i % 5 !== 2) {
    const enterprise: JsonObject = { department: DEPARTMENTS[i % DEPARTMENTS.length] };
    if (i % 3 !== 2) enterprise.employeeNumber = i % 7 === 0 ? `E-${String(i).padStart(4, '0')}` : String(1000 + i);
    if (i % 4 === 2) enterprise.costCenter = `CC${i % 3}`;
    if (managerId && i % 6 === 2) enterprise.manager = { value: managerId };
    user[ENTERPRISE_SCHEMA] = enterprise;
    (user.schemas as string[]).push(ENTERPRISE_SCHEMA);
  }
  if (i % 4 === 3) user[ACME] = { badge: `B-${i % 5}`, floor: i % 2 ? 'North' : 'south' };
  // Values of an unknown extension keep their JSON types: numbers and booleans too.
  if (i % 4 === 1) user[ACME] = { level: i % 13, remote: i % 8 === 1, tags: ['x', `t${i % 3}`] };
  return user;
}

interface FilterCase {
  filter: string;
  /** When given, the number of users the filter must match (guards against shared mistakes). */
  expect?: number;
}

/** Users as the server returns them by id; filters are checked against these. */
type Seeded = { id: string; representation: JsonObject }[];

function userFilterTable(seeded: Seeded): FilterCase[] {
  const manager = seeded[0].id;
  const some = seeded[17].representation;
  const created = (some.meta as JsonObject).created as string;
  return [
    // eq / ne, and the case rules: userName is caseExact=false, externalId caseExact=true.
    { filter: `userName eq "${(seeded[5].representation.userName as string).toLowerCase()}"`, expect: 1 },
    { filter: `userName eq "${(seeded[7].representation.userName as string).toUpperCase()}"`, expect: 1 },
    { filter: 'userName eq "nobody@example.com"', expect: 0 },
    { filter: 'userName ne "nobody@example.com"', expect: 40 },
    { filter: 'externalId eq "ext-5"', expect: 1 },
    { filter: 'externalId eq "EXT-5"', expect: 0 },
    { filter: 'externalId eq "EXT-3"', expect: 1 },
    { filter: 'externalId ne "ext-5"' },
    { filter: 'externalId sw "EXT"' },
    { filter: 'externalId sw "ext"' },
    { filter: `id eq "${manager}"`, expect: 1 },
    { filter: `id ne "${manager}"`, expect: 39 },
    // co / sw / ew, with special characters that must not act as wildcards.
    { filter: 'userName co "contoso"' },
    { filter: 'userName co "CONTOSO.ORG"' },
    { filter: 'userName sw "ADA"' },
    { filter: 'userName ew "@example.com"' },
    { filter: 'userName ew ""', expect: 40 },
    { filter: 'userName sw ""', expect: 40 },
    { filter: 'userName co ""', expect: 40 },
    { filter: 'userName co "%"', expect: 0 },
    { filter: 'userName co "_"', expect: 0 },
    { filter: 'nickName co "%"' },
    { filter: 'nickName eq "under_score"' },
    { filter: 'nickName co "_"' },
    { filter: 'nickName eq "quote\\"inside"' },
    { filter: 'nickName eq "back\\\\slash"' },
    { filter: 'nickName co "\'"' },
    { filter: 'nickName eq "über"' },
    { filter: 'nickName sw "tab\\t"' },
    { filter: 'displayName co " "' },
    { filter: 'displayName ew "torvalds"' },
    // Non-ASCII case folding.
    { filter: 'name.familyName eq "ångström"' },
    { filter: 'name.familyName eq "müller"' },
    { filter: 'name.givenName eq "ÉDITH"' },
    { filter: 'name.givenName sw "zo"' },
    // gt / ge / lt / le on strings (folded when caseExact=false) and dateTimes.
    { filter: 'name.familyName gt "m"' },
    { filter: 'name.familyName ge "Piaf"' },
    { filter: 'name.familyName lt "H"' },
    { filter: 'name.familyName le "hopper"' },
    { filter: 'title gt "Director"' },
    { filter: 'title lt "e"' },
    { filter: 'externalId gt "ext-2"' },
    { filter: 'externalId lt "a"' },
    { filter: `meta.created gt "${created}"`, expect: 22 },
    { filter: `meta.created ge "${created}"`, expect: 23 },
    { filter: `meta.created lt "${created}"`, expect: 17 },
    { filter: `meta.created le "${created}"`, expect: 18 },
    { filter: `meta.created eq "${created}"`, expect: 1 },
    { filter: `meta.created gt "${new Date(Date.parse(created)).toISOString().replace('Z', '+00:00')}"`, expect: 22 },
    { filter: `meta.created lt "2025-03-01T10:10:00.000+02:00"`, expect: 10 },
    { filter: 'meta.lastModified gt "2025-03-02T00:00:00Z"' },
    { filter: 'meta.created co "2025-03-01T08:1"', expect: 10 },
    { filter: 'meta.resourceType eq "User"', expect: 40 },
    { filter: 'meta.resourceType eq "Group"', expect: 0 },
    // pr, and presence against empty strings and missing attributes.
    { filter: 'title pr' },
    { filter: 'not (title pr)' },
    { filter: 'externalId pr', expect: 30 },
    { filter: 'name pr' },
    { filter: 'emails pr', expect: 32 },
    { filter: 'phoneNumbers pr' },
    { filter: 'active pr', expect: 26 },
    { filter: 'nickName pr' },
    { filter: 'title eq ""' },
    { filter: 'title eq null' },
    { filter: 'title ne null' },
    // Booleans.
    { filter: 'active eq true', expect: 13 },
    { filter: 'active eq false', expect: 13 },
    { filter: 'active ne true', expect: 27 },
    { filter: 'active eq "True"', expect: 13 },
    { filter: 'emails.primary eq true' },
    // Multi-valued attributes: any element matches; sub-attributes; value paths.
    { filter: 'emails co "HOME.example"' },
    { filter: 'emails.value ew "@work.example.com"' },
    { filter: 'emails.type eq "home"' },
    { filter: 'emails.type ne "home"' },
    { filter: 'emails[type eq "work"]' },
    { filter: 'emails[type eq "work" and primary eq true]' },
    { filter: 'emails[type eq "work" and primary eq false]' },
    { filter: 'emails[not (type pr)]' },
    { filter: 'emails[type eq "home" or value sw "untyped"]' },
    { filter: `emails[type eq "work"].value eq "${(some.emails as JsonObject[])[0].value as string}"`, expect: 1 },
    { filter: 'emails[type eq "home"].value co "@work"', expect: 0 },
    { filter: 'phoneNumbers[type eq "mobile"]' },
    { filter: 'phoneNumbers.value sw "+1 555"' },
    { filter: 'addresses[country eq "de"]' },
    { filter: 'addresses.country eq "US"' },
    // Enterprise extension, qualified and not.
    { filter: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"' },
    { filter: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "engineering"' },
    { filter: 'department eq "ENGINEERING"' },
    { filter: 'department co "&"' },
    { filter: 'employeeNumber sw "E-"' },
    { filter: 'employeeNumber gt "1020"' },
    { filter: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr' },
    { filter: 'costCenter eq "cc1"' },
    { filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "${manager}"` },
    { filter: 'manager pr' },
    { filter: 'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:DEPARTMENT eq "sales"' },
    { filter: 'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "grace"' },
    { filter: 'urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "Turing"' },
    // An extension scimd does not know: kept as sent and filterable.
    { filter: `${ACME}:badge eq "B-3"` },
    { filter: `${ACME}:floor eq "NORTH"` },
    { filter: `${ACME}:badge pr` },
    { filter: `not (${ACME}:floor eq "north")` },
    { filter: `${ACME}:level gt 3`, expect: 7 },
    { filter: `${ACME}:level eq 5`, expect: 1 },
    { filter: `${ACME}:level le 10` },
    { filter: `${ACME}:level gt "3"`, expect: 0 },
    { filter: `${ACME}:remote eq true`, expect: 5 },
    { filter: `${ACME}:remote eq false` },
    { filter: `${ACME}:remote pr`, expect: 10 },
    { filter: `${ACME}:tags eq "t1"`, expect: 4 },
    { filter: `${ACME}:level pr and not (${ACME}:level eq 0)` },
    // Attribute names and operators in any case.
    { filter: 'USERNAME SW "ALAN"' },
    { filter: 'Name.FamilyName Eq "turing"' },
    { filter: 'emails[TYPE EQ "work"]' },
    // and / or / not with parentheses and precedence.
    { filter: 'active eq true and title pr' },
    { filter: 'active eq true or active eq false' },
    { filter: 'title eq "Engineer" or title eq "manager" and active eq true' },
    { filter: '(title eq "Engineer" or title eq "manager") and active eq true' },
    { filter: 'not (active eq true) and emails pr' },
    { filter: 'not (active eq true or active eq false)' },
    { filter: 'not (not (userName sw "a"))' },
    { filter: 'userName sw "a" and (department eq "sales" or (emails[type eq "home"] and not (title pr)))' },
    { filter: '((((userName pr))))', expect: 40 },
    { filter: 'emails[type eq "work" and value co "ada"] or name.givenName eq "Ken"' },
    { filter: 'not (emails[type eq "work"]) and not (emails[type eq "home"])' },
    { filter: 'title pr and not (title eq "Engineer") and not (title eq "manager")' },
    { filter: `userName eq "${seeded[1].representation.userName as string}" or userName eq "${seeded[2].representation.userName as string}" or externalId eq "ext-10"`, expect: 3 },
  ];
}

/** The filter in a query string, both as browsers encode it and as Entra form-encodes it. */
function encodings(filter: string): string[] {
  return [`filter=${encodeURIComponent(filter)}`, new URLSearchParams({ filter }).toString()];
}

async function idsFor(dir: TestDirectory, endpoint: string, query: string): Promise<string[]> {
  const response = await dir.request('GET', `${endpoint}?${query}&count=1000`);
  assertStatus(response, 200);
  assert.equal(response.body.totalResults, response.body.Resources.length, query);
  return response.body.Resources.map((r: { id: string }) => r.id).sort();
}

function expectedIds(filter: string, model: ResourceModel, seeded: Seeded): string[] {
  const parsed = parseFilter(filter);
  return seeded
    .filter((s) => matchesResource(parsed, s.representation, model))
    .map((s) => s.id)
    .sort();
}

for (const backend of BACKENDS) {
  describe(`filters agree with the in-memory evaluator (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    const users: Seeded = [];
    const groups: Seeded = [];

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        server.clock.now = minutes(i);
        const response = await dir.request('POST', '/Users', seedUser(i, ids[0]));
        assertStatus(response, 201);
        ids.push(response.body.id);
      }
      // Later modifications, so lastModified differs from created for some users.
      server.clock.now = new Date(BASE_TIME + 86_400_000 * 2);
      for (const i of [3, 9, 27]) {
        assertStatus(await dir.request('PATCH', `/Users/${ids[i]}`, patchOp({ op: 'replace', path: 'nickName', value: `patched${i}` })), 200);
      }
      const groupSpecs = [
        { displayName: 'Engineering', members: [0, 1, 2, 3] },
        { displayName: 'engineering-leads', members: [1] },
        { displayName: 'Sales EMEA', members: [4, 5] },
        { displayName: 'Empty', members: [] },
        { displayName: 'Ünïcode Group', members: [2, 39] },
        { displayName: 'All Hands', members: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      ];
      for (const [n, spec] of groupSpecs.entries()) {
        server.clock.now = new Date(BASE_TIME + 86_400_000 * 3 + n * 1000);
        const response = await dir.request('POST', '/Groups', {
          schemas: [GROUP_SCHEMA],
          displayName: spec.displayName,
          ...(n % 2 ? { externalId: `grp-${n}` } : {}),
          members: spec.members.map((i) => ({ value: ids[i] })),
        });
        assertStatus(response, 201);
      }
      server.clock.now = new Date();
      for (const id of ids) {
        const response = await dir.request('GET', `/Users/${id}`);
        assertStatus(response, 200);
        users.push({ id, representation: response.body });
      }
      const listed = await dir.request('GET', '/Groups?count=100');
      for (const group of listed.body.Resources) groups.push({ id: group.id, representation: group });
    });
    after(() => server.close());

    it('seeds 40 users and 6 groups', () => {
      assert.equal(users.length, 40);
      assert.equal(groups.length, 6);
    });

    it('answers every user filter in the table with exactly the users the evaluator selects', async () => {
      const table = userFilterTable(users);
      const mismatches: string[] = [];
      let discriminating = 0;
      for (const { filter, expect } of table) {
        const expected = expectedIds(filter, userModel, users);
        if (expect !== undefined && expected.length !== expect) mismatches.push(`evaluator: ${filter} → ${expected.length}, expected ${expect}`);
        if (expected.length > 0 && expected.length < users.length) discriminating++;
        for (const query of encodings(filter)) {
          const actual = await idsFor(dir, '/Users', query);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            const extra = actual.filter((id) => !expected.includes(id)).map((id) => users.findIndex((u) => u.id === id));
            const missing = expected.filter((id) => !actual.includes(id)).map((id) => users.findIndex((u) => u.id === id));
            mismatches.push(`${query}: server ${actual.length} vs evaluator ${expected.length}; only server: users ${extra.join(',')}; only evaluator: users ${missing.join(',')}`);
          }
        }
      }
      assert.deepEqual(mismatches, []);
      assert.ok(table.length >= 100, `${table.length} filters`);
      assert.ok(discriminating >= table.length * 0.75, `only ${discriminating} of ${table.length} filters split the users`);
    });

    it('answers the same filters through POST /Users/.search', async () => {
      for (const { filter } of userFilterTable(users).filter((_, i) => i % 4 === 0)) {
        const response = await dir.request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, count: 1000 });
        assertStatus(response, 200);
        const actual = response.body.Resources.map((r: { id: string }) => r.id).sort();
        assert.ok(JSON.stringify(actual) === JSON.stringify(expectedIds(filter, userModel, users)), filter);
      }
    });

    it("decodes Entra's form-encoded filters with + and %22, and raw quotes", async () => {
      const target = users[6].representation;
      const expected = [users[6].id];
      assert.deepEqual(await idsFor(dir, '/Users', `filter=externalId+eq+%22${target.externalId as string}%22`), expected);
      const userName = encodeURIComponent(target.userName as string);
      assert.deepEqual(await idsFor(dir, '/Users', `filter=userName+eq+"${userName}"`), expected);
      assert.deepEqual(await idsFor(dir, '/Users', `filter=userName%20eq%20%22${userName}%22`), expected);
      const work = encodeURIComponent((target.emails as JsonObject[])[0].value as string);
      assert.deepEqual(await idsFor(dir, '/Users', `filter=emails%5Btype+eq+%22work%22%5D.value+eq+%22${work}%22`), expected);
      // A Test Connection probe: a random GUID that matches nobody is 200 with an empty list.
      const probe = await dir.request('GET', `/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`);
      assertStatus(probe, 200);
      assert.equal(probe.body.totalResults, 0);
      assert.deepEqual(probe.body.Resources, []);
    });

    it('answers group filters on displayName, externalId and members exactly as the evaluator does', async () => {
      const someUser = users[2].id;
      const table = [
        'displayName eq "engineering"',
        'displayName sw "Engineering"',
        'displayName co "hands"',
        'displayName eq "ÜNÏCODE GROUP"',
        'displayName gt "F"',
        'externalId eq "grp-1"',
        'externalId pr',
        `members.value eq "${someUser}"`,
        `members[value eq "${someUser}"]`,
        `members[value eq "${users[39].id}" or value eq "${users[5].id}"]`,
        `members eq "${users[0].id}"`,
        'members pr',
        'not (members pr)',
        `members.display eq "${users[1].representation.displayName as string}"`,
        `members[type eq "User" and value eq "${users[4].id}"]`,
        `not (members.value eq "${users[0].id}") and displayName ne "Empty"`,
        'meta.created gt "2025-03-04T08:00:02Z"',
      ];
      const mismatches: string[] = [];
      for (const filter of table) {
        const expected = expectedIds(filter, groupModel, groups);
        for (const query of encodings(filter)) {
          const actual = await idsFor(dir, '/Groups', query);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${filter}: server ${actual.length} vs evaluator ${expected.length}`);
        }
      }
      assert.deepEqual(mismatches, []);
      const byMember = await idsFor(dir, '/Groups', `filter=${encodeURIComponent(`members.value eq "${someUser}"`)}`);
      assert.equal(byMember.length, 3);
      const engineering = await idsFor(dir, '/Groups', `filter=${encodeURIComponent('displayName eq "ENGINEERING"')}`);
      assert.equal(engineering.length, 1);
    });

    it('refuses invalid filters with 400 invalidFilter, never 500', async () => {
      const invalid = [
        'userName eq',
        'userName',
        'userName xx "a"',
        'userName eq "unterminated',
        'userName eq "bad \\q escape"',
        '(userName eq "a"',
        'userName eq "a")',
        'userName eq "a" or',
        'and userName eq "a"',
        'not',
        'userName pr pr',
        '()',
        '[]',
        'emails[type eq "work"',
        'emails[type eq "work"]]',
        'emails[value[type eq "x"]]',
        'emails[]',
        'noSuchAttribute eq "x"',
        'name.noSuchSub eq "x"',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:noSuch eq "x"',
        'members.value eq "x"',
        'active gt true',
        'active lt false',
        'active co "t"',
        'active eq "maybe"',
        'active eq 1',
        'title gt true',
        'meta.created gt "not a date"',
        'meta.created eq 42',
        'meta.version eq "W/\\"1\\""',
        'meta.location pr',
        'name eq "Ada"',
        'emails eq "x" and name gt "y"',
        'userName[value eq "x"]',
        'emails.value[type eq "work"]',
        'emails[type eq "work"].nope eq "x"',
        'emails[name.givenName eq "x"]',
        'userName gt null',
        '9userName eq "x"',
        'user$Name eq "x"',
        '"userName" eq "x"',
        'userName eq "a" and and userName eq "b"',
      ];
      const failures: string[] = [];
      for (const filter of invalid) {
        for (const query of encodings(filter)) {
          const response = await dir.request('GET', `/Users?${query}`);
          if (response.status !== 400 || response.body?.scimType !== 'invalidFilter' || response.body?.status !== '400') {
            failures.push(`${filter} → ${response.status} ${response.text.slice(0, 200)}`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });

    it('refuses absurdly long, deep or wide filters with 400 invalidFilter', async () => {
      const cases = [
        `userName eq "${'x'.repeat(20_000)}"`,
        `${'('.repeat(500)}userName pr${')'.repeat(500)}`,
        `${'not ('.repeat(200)}userName pr${')'.repeat(200)}`,
        `${'not '.repeat(2_000)}(userName pr)`,
        Array.from({ length: 400 }, (_, i) => `userName eq "u${i}"`).join(' or '),
        Array.from({ length: 400 }, (_, i) => `emails[value eq "u${i}"]`).join(' and '),
        '('.repeat(100_000),
        `${'['.repeat(5_000)}`,
      ];
      for (const filter of cases) {
        const viaSearch = await dir.request('POST', '/Users/.search', { filter });
        assertScimError(viaSearch, 400, 'invalidFilter');
        if (filter.length < 8_000) assertScimError(await dir.request('GET', `/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
      }
      // Just under the limits still works.
      const wide = Array.from({ length: 200 }, (_, i) => `userName eq "u${i}"`).join(' or ');
      assertStatus(await dir.request('POST', '/Users/.search', { filter: wide }), 200);
      const deep = `${'('.repeat(30)}userName pr${')'.repeat(30)}`;
      const response = await dir.request('POST', '/Users/.search', { filter: deep, count: 1 });
      assertStatus(response, 200);
      assert.equal(response.body.totalResults, 40);
    });

    it('refuses invalid group filters with 400 invalidFilter', async () => {
      for (const filter of ['userName eq "x"', 'members.nope eq "x"', 'members[value eq "a"].display eq "b" and', 'displayName gt true']) {
        assertScimError(await dir.request('GET', `/Groups?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
      }
    });
  });
}
