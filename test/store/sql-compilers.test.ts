import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchesResource } from '../../src/scim/filter/evaluate.js';
import { parseFilter } from '../../src/scim/filter/parser.js';
import { userModel } from '../../src/scim/schema/resource-models.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * The SQL filter and sort compilers against the protocol core's own evaluator: every filter runs
 * as SQL in the real database and must select exactly the users the in-memory evaluator selects
 * from the same representations; every sort must order them as RFC 7644 §3.4.2.3 says. Fast
 * enough to be the mutation-testing subset of src/store/sql (stryker.config.mjs).
 */
const person = (userName: string, extra: Record<string, unknown>) => ({ schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName, ...extra });
const PEOPLE = [
  person('Ada.Lovelace', { externalId: 'E-001', displayName: 'Ada', title: 'Analyst', active: true, nickName: 'ada', name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ type: 'work', value: 'ada@work.example', primary: true }, { type: 'home', value: 'ada@home.example' }], [ENTERPRISE_SCHEMA]: { department: 'Research', employeeNumber: '7' } }),
  person('bob', { externalId: 'E-002', displayName: 'Bob', title: 'builder', active: false, name: { givenName: 'Bob', familyName: 'Baker' }, emails: [{ type: 'home', value: 'BOB@home.example' }], phoneNumbers: [{ type: 'work', value: '+1 555 0100' }], [ENTERPRISE_SCHEMA]: { department: 'Ops' } }),
  person('Carol', { externalId: 'e-003', displayName: 'carol', active: true, name: { givenName: 'Carol', familyName: 'Cohen' }, emails: [{ type: 'work', value: 'carol@work.example' }, { type: 'work', value: 'c.cohen@work.example', primary: true }], [ENTERPRISE_SCHEMA]: { department: 'research', employeeNumber: '12' } }),
  person('dave@example.com', { displayName: 'Dave', title: 'Analyst', active: true, nickName: 'Dave', name: { familyName: 'Diaz' }, [ENTERPRISE_SCHEMA]: { employeeNumber: '3' } }),
  person('eve', { externalId: 'E-005', title: 'auditor', active: false, emails: [{ type: 'other', value: 'eve@other.example' }] }),
  person('Frank', { externalId: 'E-006', displayName: 'Frank "F" O\'Neil', title: 'Analyst (acting)', active: true, name: { givenName: 'Frank', familyName: 'O\'Neil' }, phoneNumbers: [{ type: 'mobile', value: '+44 20 7946 0000', primary: true }] }),
  person('grace', { displayName: 'Grace', userType: 'Employee', name: { givenName: 'Grace', familyName: 'hopper' }, emails: [{ value: 'grace@work.example' }] }),
];

const FILTERS = [
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
  'displayName eq "carol"',
  'displayName co "\\"F\\""',
  'displayName ew "Neil"',
  'displayName pr',
  'title eq "analyst"',
  'title sw "Analyst"',
  'title co "("',
  'title pr and active eq false',
  'not (title pr)',
  'active eq true',
  'active eq false',
  'active ne true',
  'active pr',
  'nickName eq "DAVE"',
  'userType eq "Employee"',
  'name.familyName eq "hopper"',
  'name.familyName sw "C"',
  'name.givenName pr',
  'not (name.givenName pr)',
  'name.familyName gt "D"',
  'name.familyName lt "Cohen"',
  'name.familyName le "Cohen"',
  'emails pr',
  'emails co "home"',
  'emails.value ew "@work.example"',
  'emails.value eq "bob@home.example"',
  'emails.type eq "work"',
  'emails.primary eq true',
  'emails[type eq "work"]',
  'emails[type eq "work" and primary eq true]',
  'emails[type eq "work" and value sw "carol"]',
  'emails[type eq "home" or type eq "other"]',
  'emails[not (type eq "work")]',
  'emails[value co "example"].value ew ".example"',
  'emails[type eq "work"].value sw "c"',
  'phoneNumbers[type eq "mobile"]',
  'phoneNumbers.value co "555"',
  'phoneNumbers pr',
  `${ENTERPRISE_SCHEMA}:department eq "research"`,
  `${ENTERPRISE_SCHEMA}:department pr`,
  `${ENTERPRISE_SCHEMA}:employeeNumber gt "2"`,
  `${ENTERPRISE_SCHEMA}:employeeNumber lt "2"`,
  `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "eve"`,
  'title eq "Analyst" or active eq false',
  'title eq "Analyst" and not (nickName pr)',
  '(active eq true and emails.type eq "work") or userName eq "eve"',
  'not (active eq true or title pr)',
  'meta.resourceType eq "User"',
  'meta.created pr',
  'meta.lastModified gt "2000-01-01T00:00:00Z"',
  'meta.created lt "2000-01-01T00:00:00Z"',
  'id pr',
];

const SORTS = ['userName', 'displayName', 'title', 'name.familyName', 'name.givenName', 'externalId', 'emails', 'emails.value', 'emails.type', 'nickName', `${ENTERPRISE_SCHEMA}:department`, 'active', 'phoneNumbers', 'id', 'meta.created', 'meta.lastModified', 'meta.resourceType'];

/** The value a user sorts by: the primary (else first) element of a multi-valued attribute; case folded where not caseExact. */
function sortValue(user: Record<string, any>, sortBy: string): string | boolean | undefined {
  let value: any;
  if (sortBy.startsWith('urn:')) value = user[ENTERPRISE_SCHEMA]?.[sortBy.slice(ENTERPRISE_SCHEMA.length + 1)];
  else {
    const [attr, sub] = sortBy.split('.');
    value = user[attr];
    if (Array.isArray(value)) value = (value.find((e) => e.primary === true) ?? value[0])?.value;
    else if (sub && value !== undefined) value = value[sub];
    else if (sub === 'value' && Array.isArray(user[attr])) value = undefined;
  }
  if (sortBy === 'emails.value' || sortBy === 'emails.type') {
    const element = user.emails?.find((e: any) => e.primary === true) ?? user.emails?.[0];
    value = element?.[sortBy.slice('emails.'.length)];
  }
  if (sortBy.startsWith('meta.')) value = user.meta[sortBy.slice('meta.'.length)];
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const caseExact = sortBy === 'externalId' || sortBy === 'id' || sortBy.startsWith('meta.');
  return typeof value === 'string' && !caseExact ? value.toLowerCase() : value;
}

for (const backend of BACKENDS) {
  describe(`the SQL filter and sort compilers agree with the evaluator (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let users: Record<string, any>[];
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      for (const body of PEOPLE) {
        // A second apart, so meta.created and meta.lastModified order them.
        server.clock.now = new Date(server.clock.now.getTime() + 1000);
        assert.equal((await dir.request('POST', '/Users', body)).status, 201);
      }
      users = (await dir.request('GET', '/Users?count=1000')).body.Resources;
      assert.equal(users.length, PEOPLE.length);
    });
    after(() => server.close());

    it('selects exactly the users the evaluator selects, for every operator, value path and combination', async () => {
      const mismatches: string[] = [];
      const sizes = new Set<number>();
      for (const filter of FILTERS) {
        const expected = users.filter((user) => matchesResource(parseFilter(filter), user, userModel)).map((u) => u.userName).sort();
        sizes.add(expected.length);
        const response = await dir.request('GET', `/Users?count=1000&filter=${encodeURIComponent(filter)}`);
        if (response.status !== 200) {
          mismatches.push(`${filter}: ${response.status} ${response.text.slice(0, 200)}`);
          continue;
        }
        const selected = (response.body.Resources ?? []).map((u: { userName: string }) => u.userName).sort();
        if (JSON.stringify(selected) !== JSON.stringify(expected)) mismatches.push(`${filter}: SQL ${JSON.stringify(selected)}, evaluator ${JSON.stringify(expected)}`);
        if (response.body.totalResults !== expected.length) mismatches.push(`${filter}: totalResults ${response.body.totalResults}, expected ${expected.length}`);
      }
      assert.deepEqual(mismatches, []);
      assert.ok(sizes.size >= 5 && sizes.has(0) && sizes.has(users.length), `the filters select sets of many sizes: ${[...sizes].sort()}`);
    });

    it('sorts ascending and descending by strings, case-insensitively where not caseExact, by the primary value of multi-valued attributes, with missing values last', async () => {
      for (const sortBy of SORTS) {
        for (const sortOrder of ['ascending', 'descending'] as const) {
          const response = await dir.request('GET', `/Users?count=1000&sortBy=${encodeURIComponent(sortBy)}&sortOrder=${sortOrder}`);
          assert.equal(response.status, 200, `${sortBy}: ${response.text}`);
          const values = (response.body.Resources as Record<string, any>[]).map((user) => sortValue(user, sortBy));
          const present = values.filter((v) => v !== undefined);
          const expected = [...present].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
          if (sortOrder === 'descending') expected.reverse();
          const label = `${sortBy} ${sortOrder}: ${JSON.stringify(values)}`;
          assert.deepEqual(present, expected, label);
          assert.deepEqual(values.slice(present.length), values.filter((v) => v === undefined), `missing values come last: ${label}`);
          assert.equal(values.length, users.length);
        }
      }
    });

    it('refuses sorting by what has no order (meta.version, a group’s members) with 400 invalidValue, and sorts groups by displayName without case', async () => {
      for (const [path, detail] of [
        ['/Users?sortBy=meta.version', 'Sorting by meta.version is not supported'],
        ['/Users?sortBy=meta', 'sortBy must name a simple attribute; meta is complex'],
        ['/Groups?sortBy=members', 'Sorting by members is not supported'],
      ]) {
        const response = await dir.request('GET', path);
        assertScimError(response, 400, 'invalidValue');
        assert.equal(response.body.detail, detail, path);
      }
      for (const displayName of ['beta', 'Alpha', 'gamma', 'Delta']) assert.equal((await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName })).status, 201);
      const sorted = await dir.request('GET', '/Groups?sortBy=displayName&sortOrder=descending');
      assert.deepEqual(sorted.body.Resources.map((g: { displayName: string }) => g.displayName), ['gamma', 'Delta', 'beta', 'Alpha']);
    });
  });
}
