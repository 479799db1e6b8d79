import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { groupModel, userModel } from '../../src/scim/schema/resource-models.js';
import { BACKENDS } from '../support/databases.js';
import { querySql, runSql } from '../support/raw-sql.js';
import { GROUP_SCHEMA, USER_SCHEMA } from '../support/scim-assertions.js';
import type { TestDirectory } from '../support/test-server.js';
import { ACME, startPeopleDirectory, type PeopleDirectory } from './support/compiler-people.js';
import { compareWithEvaluator } from './support/evaluator-differential.js';

/**
 * Edges of the SQL filter compiler that sql-filter-compiler.test.ts does not reach: value
 * filters where an equality on the indexed `emails.value` sits beside `or`, `not` and other
 * operators (the compiler may only add the index probe for an equality every matching element
 * needs), the value index itself, and three places where SQL and the evaluator used to disagree.
 * Part of the `sql-filter` mutation area (stryker.config.mjs).
 */
const INDEXED_VALUE_FILTERS = [
  'emails[value eq "ada@work.example" or value eq "bob@home.example"]',
  'emails[type eq "home" or value eq "carol@work.example"]',
  'emails[value eq "z.cohen@work.example" or type eq "other"]',
  'emails[type eq "work" and (value eq "carol@work.example" or value eq "ada@work.example")]',
  'emails[(value eq "ada@work.example" or value eq "eve@other.example") and type eq "work"]',
  'emails[not (value eq "ada@work.example")]',
  'emails[not (value eq "ada@work.example") and type eq "work"]',
  'emails[value ne "ada@work.example"]',
  'emails[value co "ada@work.example"]',
  'emails[value co "ada@"]',
  'emails[value sw "carol"]',
  'emails[value ew "HOME.example"]',
  'emails[value gt "d"]',
  'emails[value eq "ada@work.example" and type eq "home"]',
  'emails[type eq "work" and value eq "ADA@WORK.example"]',
  'emails[primary eq true and value eq "Z.COHEN@work.example"]',
  'emails[value pr and value eq "bob@home.example"]',
  'emails[type eq "work"].value eq "carol@work.example"',
  'emails[type eq "home"].value co "home"',
  'emails.value eq "ada@work.example" or emails.value eq "bob@home.example"',
  'emails eq "ada@work.example" or userName eq "eve"',
  'not (emails.value eq "ada@work.example")',
  'emails.value ne "ada@work.example"',
  'emails.value co "ada@work.example"',
  'emails.value sw "grace@work.example"',
  'emails.value gt "carol@work.example"',
  'emails.type eq "home"',
  'emails.type eq "work" and emails.value eq "ada@home.example"',
  'urn:ietf:params:scim:schemas:core:2.0:User:emails.value eq "eve@other.example"',
  'urn:ietf:params:scim:schemas:core:2.0:User:emails[value eq "eve@other.example"]',
  'phoneNumbers.value eq "+1 555 0100" or emails.value eq "grace@work.example"',
  'phoneNumbers[value eq "+1 555 0100" or type eq "mobile"]',
];

/**
 * RFC 7643 §8.7.1 (and scimd's schemas) leave members.type and a user's groups.type caseExact
 * false; a user's groups are its direct memberships, shown with type "direct".
 */
const MEMBER_TYPE_FILTERS = [
  'members[type eq "user"]',
  'members.type eq "GROUP"',
  'members[type eq "group" and display eq "ANALYSTS"]',
  'members.type sw "us"',
  'members[type co "ROU"]',
];
const GROUP_TYPE_FILTERS = [
  'groups.type eq "direct"',
  'groups.type eq "DIRECT"',
  'groups.type eq "Group"',
  'groups.type ne "direct"',
  'groups.type pr',
  'groups.type sw "dir"',
  'groups[type eq "direct" and display eq "everyone"]',
  'groups[type eq "indirect"]',
  'groups[not (type eq "direct")]',
];

/** `pr` on an unknown extension's values of every JSON shape (a write drops nulls and empty objects and arrays; the rest is kept). */
const SHAPES = [
  { userName: 'shape-1', [ACME]: { nested: { k: 'v' }, list: ['x'], deep: [{ a: 1 }], inner: { k: [''] } } },
  { userName: 'shape-2', [ACME]: { nested: {}, list: [], deep: [[]], inner: { k: {} } } },
  { userName: 'shape-3', [ACME]: { nested: { k: null }, list: ['', null], deep: [{}], inner: { k: [] } } },
  { userName: 'shape-4', [ACME]: { nested: [{ k: 1 }], list: '', deep: [[null]], inner: { k: 0 } } },
  { userName: 'shape-5' },
];
const SHAPE_FILTERS = ['nested', 'list', 'deep', 'inner', 'inner.k'].flatMap((name) => [
  `${ACME}:${name} pr`,
  `not (${ACME}:${name} pr)`,
  `${ACME}:${name} eq null`,
  `${ACME}:${name} ne null`,
]);

for (const backend of BACKENDS) {
  describe(`SQL filter compiler edges agree with the evaluator (${backend})`, () => {
    let people: PeopleDirectory;
    let dir: TestDirectory;
    const ids = new Map<string, string>();
    before(async () => {
      people = await startPeopleDirectory(backend);
      dir = people.dir;
      for (const user of people.users) ids.set(user.userName, user.id);
      // Analysts holds two users; Everyone a user and the Analysts group.
      for (const [displayName, members] of [['Analysts', ['Ada.Lovelace', 'dave@example.com']], ['Everyone', ['bob', 'group:Analysts']]] as const) {
        const response = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((name) => ({ value: ids.get(name) })) });
        assert.equal(response.status, 201, response.text);
        ids.set(`group:${displayName}`, response.body.id);
      }
    });
    after(() => people.server.close());

    const list = async (endpoint: '/Users' | '/Groups', target: TestDirectory = dir) => (await target.request('GET', `${endpoint}?count=1000`)).body.Resources as Record<string, any>[];

    it('adds the value-index probe only for an equality every matching element needs, not one inside or/not', async () => {
      const sizes = await compareWithEvaluator(dir, '/Users', userModel, await list('/Users'), INDEXED_VALUE_FILTERS);
      assert.ok(sizes.has(0) && sizes.has(1) && sizes.has(2) && sizes.has(3), `the filters select sets of many sizes: ${[...sizes].sort()}`);
    });

    it("compares members' and groups' type without case, and reads a user's groups as direct, as the representation shows them", async () => {
      const users = await list('/Users');
      assert.deepEqual(users.find((u) => u.userName === 'bob')?.groups?.map((g: Record<string, unknown>) => g.type), ['direct']);
      const groupSizes = await compareWithEvaluator(dir, '/Groups', groupModel, await list('/Groups'), MEMBER_TYPE_FILTERS);
      assert.ok(groupSizes.has(1) && groupSizes.has(2), `the filters select sets of many sizes: ${[...groupSizes].sort()}`);
      const userSizes = await compareWithEvaluator(dir, '/Users', userModel, users, GROUP_TYPE_FILTERS);
      assert.ok(userSizes.has(0) && userSizes.has(3) && userSizes.has(users.length - 3), `the filters select sets of many sizes: ${[...userSizes].sort()}`);
    });

    it("reads pr on an unknown extension's objects, arrays and empty values as the evaluator does", async () => {
      const other = await people.server.createDirectory();
      for (const body of SHAPES) {
        const response = await other.request('POST', '/Users', { schemas: [USER_SCHEMA, ...(body[ACME] ? [ACME] : [])], ...body });
        assert.equal(response.status, 201, response.text);
      }
      const stored = await list('/Users', other);
      const sizes = await compareWithEvaluator(other, '/Users', userModel, stored, SHAPE_FILTERS);
      assert.ok(sizes.has(1) && sizes.has(2) && sizes.has(3) && sizes.has(4), `the filters select sets of many sizes: ${[...sizes].sort()}`);
    });

    it('reads meta and member sub-attributes by their definitions: dateTimes as instants, sub-attribute names in any case', async () => {
      const users = await list('/Users');
      const ada = users.find((u) => u.userName === 'Ada.Lovelace')!;
      // The same instant written with an offset: equal as a dateTime, not as text.
      const offset = (iso: string) => iso.replace('Z', '+00:00');
      const filters = [
        `meta.created eq "${offset(ada.meta.created)}"`,
        `meta.lastModified eq "${offset(ada.meta.lastModified)}"`,
        `meta.created ge "${offset(ada.meta.created)}" and meta.created le "${offset(ada.meta.created)}"`,
        `meta.lastModified gt "${ada.meta.lastModified.replace('Z', '-01:00')}"`,
        'meta.resourceType sw "User"',
        'meta.resourceType ew "User"',
        'meta.resourceType co "Users"',
        'meta.resourceType eq "Use"',
        'meta.resourceType gt "Usd"',
        'meta.resourceType ge "Usf"',
        'meta.resourceType lt "Usf"',
        'meta.resourceType le "Usd"',
        'meta.resourceType pr',
        'not (meta.resourceType pr)',
        'groups.DISPLAY eq "EVERYONE"',
        'groups[Display sw "ana"]',
        'groups[VALUE eq "{group:Everyone}"]',
        'groups.Value eq "{group:Analysts}"',
      ];
      const sizes = await compareWithEvaluator(dir, '/Users', userModel, users, filters, ids);
      assert.ok(sizes.has(0) && sizes.has(1) && sizes.has(users.length), `the filters select sets of many sizes: ${[...sizes].sort()}`);
      await compareWithEvaluator(dir, '/Groups', groupModel, await list('/Groups'), ['members[Value eq "{bob}"]', 'members.VALUE eq "{Ada.Lovelace}"', 'members[DISPLAY eq "bob"]', 'members.Type eq "group"', 'meta.resourceType eq "Group"'], ids);
    });

    it('answers an equality on emails.value through the value index, and nothing else through it', async () => {
      // A user whose index rows are removed by hand can only be found by what reads the documents.
      const other = await people.server.createDirectory();
      const ivy = await other.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'ivy', emails: [{ type: 'work', value: 'ivy@x.example' }, { type: 'home', value: 'Ivy@Home.example' }] });
      const jon = await other.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'jon', emails: [{ type: 'work', value: 'jon@x.example' }] });
      assert.deepEqual([ivy.status, jon.status], [201, 201]);
      const [{ pk }] = await querySql<{ pk: number }>(people.server.databaseUrl, 'SELECT pk FROM resources WHERE id = $1', [ivy.body.id]);
      await runSql(people.server.databaseUrl, 'DELETE FROM resource_values WHERE resource_pk = $1', [pk]);
      const cases: [string, string[]][] = [
        ['emails.value eq "ivy@x.example"', []],
        ['emails.value eq "IVY@home.EXAMPLE"', []],
        ['emails eq "ivy@x.example"', []],
        ['emails[value eq "ivy@x.example"]', []],
        ['emails[type eq "work" and value eq "ivy@x.example"]', []],
        ['emails[type eq "work"].value eq "ivy@x.example"', []],
        ['emails.value eq "jon@x.example"', ['jon']],
        ['emails[value eq "JON@x.example"]', ['jon']],
        ['emails.value eq "ivy@x.example" or userName eq "ivy"', ['ivy']],
        ['emails[value eq "ivy@x.example" or value eq "jon@x.example"]', ['ivy', 'jon']],
        ['emails[not (value eq "jon@x.example")]', ['ivy']],
        ['emails.value ne "jon@x.example"', ['ivy']],
        ['emails.value co "ivy@"', ['ivy']],
        ['emails[value sw "ivy"]', ['ivy']],
        ['emails.type eq "home"', ['ivy']],
        ['emails[type eq "work"]', ['ivy', 'jon']],
      ];
      const wrong: string[] = [];
      for (const [filter, expected] of cases) {
        const response = await other.request('GET', `/Users?filter=${encodeURIComponent(filter)}`);
        const names = response.status === 200 ? response.body.Resources.map((r: Record<string, any>) => r.userName).sort() : response.status;
        if (JSON.stringify(names) !== JSON.stringify(expected)) wrong.push(`${filter}: ${JSON.stringify(names)}, expected ${JSON.stringify(expected)}`);
      }
      assert.deepEqual(wrong, []);
    });
  });
}
