import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { PREPARED_PER_CONNECTION, PreparedStatements } from '../../src/store/postgres/prepared-statements.js';
import { postgresMigrations } from '../../src/store/postgres/postgres-migrations.js';
import { fixedStatement } from '../../src/store/sql/fixed-statements.js';
import { SqlStore } from '../../src/store/sql/sql-store.js';
import { parseFilter } from '../../src/scim/filter/parser.js';
import type { ResourceTypeName } from '../../src/scim/schema/resource-models.js';
import type { ResourceQuery } from '../../src/store/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe('PreparedStatements (one connection’s statement names)', () => {
  it('gives a text the same name every time, and different texts different names', () => {
    const names = new PreparedStatements(3);
    const a = names.nameFor('SELECT 1 WHERE $1');
    assert.equal(names.nameFor('SELECT 1 WHERE $1'), a);
    assert.notEqual(names.nameFor('SELECT 2 WHERE $1'), a);
  });

  it('keeps at most its capacity, dropping the least recently used for deallocation', () => {
    const names = new PreparedStatements(2);
    const a = names.nameFor('a');
    const b = names.nameFor('b');
    names.nameFor('a');
    names.nameFor('c');
    assert.equal(names.size, 2);
    assert.deepEqual(names.takeDropped(), [b]);
    assert.deepEqual(names.takeDropped(), []);
    assert.equal(names.nameFor('a'), a, 'a was used recently, so it stayed');
    assert.notEqual(names.nameFor('b'), b, 'a dropped name is never given again');
  });
});

/** A migrated PostgreSQL test database and a store on one connection, whose prepared statements a test can list. */
async function storeOnOneConnection(): Promise<{ database: TestDatabase; driver: PostgresDriver; store: SqlStore }> {
  const database = await createTestDatabase('postgres');
  // Migrating takes a second connection (beside the migration lock's): done before, elsewhere.
  await (await database.open()).close();
  const driver = new PostgresDriver(database.url, { maxConnections: 1 });
  return { database, driver, store: new SqlStore(driver, postgresMigrations) };
}

if (BACKENDS.includes('postgres')) {
  describe('Named statements on PostgreSQL', () => {
    let database: TestDatabase;
    let driver: PostgresDriver;
    /** The statements prepared on the pool's one connection, as PostgreSQL lists them. */
    const prepared = async (text?: string) => {
      const rows = await driver.all<{ n: string }>('SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = coalesce($1, statement)', [text ?? null]);
      return Number(rows[0].n);
    };

    before(async () => {
      database = await createTestDatabase('postgres');
      driver = new PostgresDriver(database.url, { maxConnections: 1 });
    });
    after(async () => {
      await driver.close();
      await database.drop();
    });

    it('runs a fixed text as a named statement, parsed once for the connection', async () => {
      const text = fixedStatement('SELECT $1::int + 1 AS n');
      assert.equal((await driver.get<{ n: number }>(text, [1]))?.n, 2);
      assert.equal((await driver.get<{ n: number }>(text, [41]))?.n, 42);
      assert.equal(await prepared(text), 1);
    });

    it('runs any other text unnamed, so it is planned for the values bound', async () => {
      const text = 'SELECT $1::int + 2 AS n';
      assert.equal((await driver.get<{ n: number }>(text, [1]))?.n, 3);
      assert.equal(await prepared(text), 0);
    });

    it('keeps at most its bound of statements on a connection, however many fixed texts run', async () => {
      for (let i = 0; i < PREPARED_PER_CONNECTION + 30; i++) {
        assert.equal((await driver.get<{ n: number }>(fixedStatement(`SELECT $1::int + ${i} AS n`), [0]))?.n, i);
      }
      const count = await prepared();
      assert.ok(count <= PREPARED_PER_CONNECTION, `${count} statements prepared`);
      assert.ok(count >= PREPARED_PER_CONNECTION - 1, `${count} statements prepared: the recent ones stay`);
      // A text dropped from the connection is prepared again when it comes back.
      assert.equal((await driver.get<{ n: number }>(fixedStatement('SELECT $1::int + 0 AS n'), [5]))?.n, 5);
    });
  });

  describe('Exact-lookup filters on PostgreSQL', () => {
    let database: TestDatabase;
    let driver: PostgresDriver;
    let store: SqlStore;
    const LARGE = 5_000;
    const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    /** A filtered first page as a ListResponse asks for it (total and event sequence with it). */
    const page = (directoryId: string, type: ResourceTypeName, filter: string, extra: Partial<ResourceQuery> = {}) =>
      store.queryResources(directoryId, type, { filter: parseFilter(filter), sortOrder: 'ascending', offset: 0, count: 100, includeMembership: type === 'Group', withTotal: true, withSequence: true, ...extra });
    /** The connection's prepared page statements (the pool has one connection). */
    const preparedPages = () => driver.all<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE 'WITH page%' ORDER BY prepare_time");

    before(async () => {
      ({ database, driver, store } = await storeOnOneConnection());
      const now = new Date().toISOString();
      await store.createDirectory({ id: 'large', name: 'large', created: now });
      await store.createDirectory({ id: 'small', name: 'small', created: now });
      const users = (directory: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({ id: `${directory}-${i}`, data: { schemas: [USER], userName: `user${i}@${directory}.example`, externalId: `ext-${i % 2_500}` } }));
      await store.insertResources('large', 'User', users('large', LARGE), { now });
      await store.insertResources('small', 'User', users('small', 10), { now });
      await store.insertResources('small', 'Group', [{ id: 'g-1', data: { schemas: [GROUP], displayName: 'Staff', externalId: 'gx-1' } }], { now });
      // Planner statistics that know one directory holds nearly every row, as in the docs' example.
      await store.analyze();
    });
    after(async () => {
      await driver.close();
      await database.drop();
    });

    it('runs userName, externalId and displayName eq as named statements, and other filters unnamed', async () => {
      assert.equal((await page('small', 'User', 'userName eq "USER3@small.example"')).resources[0]?.id, 'small-3');
      assert.equal((await page('large', 'User', 'userName eq "user4321@large.example"')).resources[0]?.id, 'large-4321');
      assert.equal((await page('large', 'User', 'externalId eq "ext-7"')).total, 2, 'externalId may match several');
      assert.equal((await page('small', 'Group', 'displayName eq "staff"')).resources[0]?.id, 'g-1');
      assert.equal((await page('small', 'Group', 'externalId eq "gx-1"')).total, 1);
      const named = await preparedPages();
      assert.equal(named.length, 4, 'userName and externalId on Users, displayName and externalId on Groups: one text each');
      assert.ok(named.some((s) => s.statement.includes('r.name_key = $2')) && named.some((s) => s.statement.includes('r.external_id = $2')));
      // A different value is the same statement: nothing new is prepared.
      await page('large', 'User', 'userName eq "user1@large.example"');
      // Not exact lookups: planned for their values every time.
      await page('small', 'User', 'userName sw "user"');
      await page('small', 'User', 'userName eq "user1@small.example" or userName eq "user2@small.example"');
      await page('small', 'User', 'userName eq "user1@small.example"', { sortBy: { name: 'userName' } });
      await page('small', 'User', 'name.familyName eq "Lovelace"');
      assert.equal((await preparedPages()).length, 4);
    });

    /** An unfiltered page as a ListResponse asks for it; its statement text and values are kept in `sent`. */
    const list = async (directoryId: string, type: ResourceTypeName, extra: Partial<ResourceQuery> = {}) =>
      store.queryResources(directoryId, type, { sortOrder: 'ascending', offset: 0, count: 100, includeMembership: type === 'Group', withTotal: true, withSequence: true, ...extra });
    let sent: { text: string; values: unknown[] } | undefined;
    before(() => {
      const all = driver.all.bind(driver);
      driver.all = ((text: string, values: unknown[]) => {
        if (text.startsWith('WITH page')) sent = { text, values: [...values] };
        return all(text, values);
      }) as typeof driver.all;
    });

    it('runs unfiltered pages in the default order as named statements, one per shape, whatever the directory', async () => {
      const before = (await preparedPages()).length;
      const first = await list('large', 'User');
      assert.deepEqual([first.total, first.resources.length, first.resources[0].id], [LARGE, 100, 'large-0']);
      assert.deepEqual((await list('large', 'User', { offset: 4_990 })).resources.map((r) => r.id), Array.from({ length: 10 }, (_, i) => `large-${4_990 + i}`));
      const second = await list('large', 'User', { after: first.next! });
      assert.equal(second.resources[0].id, 'large-100');
      assert.deepEqual((await list('small', 'User')).resources.map((r) => r.id), Array.from({ length: 10 }, (_, i) => `small-${i}`));
      assert.equal((await list('small', 'User', { after: { key: null, pk: 0 } })).total, 10);
      assert.equal((await list('small', 'Group')).resources[0]?.id, 'g-1');
      // excludedAttributes=members: the same page without the membership column.
      assert.equal((await list('small', 'Group', { includeMembership: false })).resources[0]?.id, 'g-1');
      const named = (await preparedPages()).length;
      assert.equal(named - before, 4, 'Users by index, Users by cursor, Groups with members, Groups without: one text each');
      // Other directories, offsets and cursors reuse them; a sorted page is planned for its values.
      await list('small', 'User', { offset: 5 });
      await list('large', 'User', { after: second.next! });
      await list('large', 'Group', { includeMembership: false });
      await list('small', 'User', { sortBy: { name: 'userName' } });
      assert.equal((await preparedPages()).length, named);
    });

    it('costs an unfiltered page the same planned for its values as under the generic plan', async () => {
      // PostgreSQL plans a named statement's first five runs for their values, then keeps the
      // generic plan only if it costs no more than those did (planning included). With the type
      // and the LIMIT bound, statistics that know groups are rare or a small directory made every
      // plan for values cheaper, so each run of the page was planned again (as long as running it).
      const cost = async (name: string, values: string, mode: string) => {
        await driver.run(`SET plan_cache_mode = ${mode}`);
        const plan = (await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${name}(${values})`)).map((row) => row['QUERY PLAN']);
        return /cost=([\d.]+)\.\.([\d.]+)/.exec(plan[0])![2];
      };
      try {
        for (const directory of ['small', 'large'])
          for (const [type, extra] of [
            ['User', {}],
            ['User', { offset: 5 }],
            ['User', { after: { key: null, pk: 3 } }],
            ['Group', {}],
            ['Group', { includeMembership: false }],
          ] as const) {
            await list(directory, type, extra);
            const statement = (await preparedPages()).find((s) => s.statement === sent?.text);
            assert.ok(statement, `the ${type} page is prepared`);
            const values = sent!.values.map((v) => (typeof v === 'number' ? String(v) : `'${String(v)}'`)).join(', ');
            const [custom, generic] = [await cost(statement.name, values, 'force_custom_plan'), await cost(statement.name, values, 'force_generic_plan')];
            assert.equal(custom, generic, `${directory} ${type} ${JSON.stringify(extra)}: planned for its values ${custom}, generic ${generic}`);
          }
      } finally {
        await driver.run('SET plan_cache_mode = auto');
      }
    });

    it('keeps running the unfiltered pages under their generic plans once statistics exist, instead of planning each run', async () => {
      const plans = async (text: string) => {
        const rows = await driver.all<{ generic_plans: string; custom_plans: string }>('SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1', [text]);
        return { generic: Number(rows[0]?.generic_plans ?? 0), custom: Number(rows[0]?.custom_plans ?? 0) };
      };
      for (const [type, includeMembership] of [
        ['Group', true],
        ['Group', false],
        ['User', false],
      ] as const) {
        await list('small', type, { includeMembership });
        const text = sent!.text;
        const before = await plans(text);
        for (let i = 0; i < 12; i++) await list(i % 2 ? 'small' : 'large', type, { includeMembership });
        const after = await plans(text);
        assert.ok(after.custom - before.custom <= 5, `${type}: at most the first five runs planned for their values (${JSON.stringify({ before, after })})`);
        assert.ok(after.generic - before.generic >= 7, `${type}: the rest under the generic plan (${JSON.stringify({ before, after })})`);
      }
    });

    it('reads an unfiltered page by resources_type in the generic plan, for a small directory beside a large one', async () => {
      await driver.run('SET plan_cache_mode = force_generic_plan');
      // As analysed after the load, then as if many pages had been written since the last VACUUM
      // (none known all-visible): reading resources_type then costs a heap visit per row, and a
      // walk of the primary key (stored in its order) would look cheaper if it gave the order.
      for (const stats of ['vacuumed', 'no page all-visible'])
      try {
        if (stats !== 'vacuumed') await driver.run("UPDATE pg_class SET relallvisible = 0 WHERE relname = 'resources'");
        for (const [type, extra] of [
          ['User', {}],
          ['User', { offset: 5 }],
          ['User', { after: { key: null, pk: 0 } }],
          ['Group', {}],
        ] as const) {
          await list('small', type, extra);
          const statement = (await preparedPages()).find((s) => s.statement === sent?.text);
          assert.ok(statement, `the ${type} page is prepared`);
          const values = sent!.values.map((v) => (typeof v === 'number' ? String(v) : `'${String(v)}'`)).join(', ');
          const plan = (await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${statement.name}(${values})`)).map((row) => row['QUERY PLAN']).join('\n');
          assert.doesNotMatch(plan, /'small'/, `a generic plan (parameters, not values): ${plan}`);
          assert.match(plan, /Index (Only )?Scan using resources_type on resources/, plan);
          // Neither the whole table hashed against the page's keys nor the primary key walked with
          // the directory as a filter.
          assert.doesNotMatch(plan, /Seq Scan on resources |Filter: .*directory_id/, `${stats}: ${plan}`);
        }
      } finally {
        if (stats !== 'vacuumed') {
          await driver.run('SET plan_cache_mode = auto');
          await store.analyze();
        }
      }
    });

    it('keeps the index lookup in the generic plan for a small directory beside a large one', async () => {
      // After five executions PostgreSQL may keep a generic plan: force it, and run the named
      // lookups on the small directory with the large directory's statistics in the table.
      await driver.run('SET plan_cache_mode = force_generic_plan');
      try {
        for (const [filter, index] of [
          ['userName eq "user3@small.example"', 'resources_name'],
          ['externalId eq "ext-3"', 'resources_external_id'],
        ] as const) {
          assert.equal((await page('small', 'User', filter)).total, 1);
          const text = (await preparedPages()).find((s) => s.statement.includes(index === 'resources_name' ? 'r.name_key = $2' : 'r.external_id = $2'));
          assert.ok(text, `${filter} is prepared`);
          const value = index === 'resources_name' ? 'user3@small.example' : 'ext-3';
          const plan = (await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${text.name}('small', '${value}', 101, 0, 100, 'small', '${value}', 'small')`))
            .map((row) => row['QUERY PLAN'])
            .join('\n');
          assert.match(plan, /directory_id = \$1/, `a generic plan (parameters, not values): ${plan}`);
          assert.match(plan, new RegExp(`Index Scan using ${index} on resources`), plan);
          assert.doesNotMatch(plan, /Seq Scan on resources|Index Scan using resources_pkey on resources r_1|using resources_type/, plan);
        }
      } finally {
        await driver.run('SET plan_cache_mode = auto');
      }
    });
  });

  describe('Lookups by id on PostgreSQL without planner statistics', () => {
    let database: TestDatabase;
    let driver: PostgresDriver;
    let store: SqlStore;
    const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

    before(async () => {
      ({ database, driver, store } = await storeOnOneConnection());
      const now = new Date().toISOString();
      await store.createDirectory({ id: 'fresh', name: 'fresh', created: now });
      const users = Array.from({ length: 2_000 }, (_, i) => ({ id: `fresh-${i}`, data: { schemas: [USER], userName: `user${i}@fresh.example`, externalId: `ext-${i}` } }));
      await store.insertResources('fresh', 'User', users, { now });
      // A table that grew through SCIM since its last ANALYZE (autovacuum may not have run yet).
      await driver.run("DELETE FROM pg_statistic WHERE starelid = 'resources'::regclass");
      await driver.run("UPDATE pg_class SET reltuples = -1 WHERE relname = 'resources'");
    });
    after(async () => {
      await driver.close();
      await database.drop();
    });

    it('finds a resource by id through the id index in GET, the one-statement write and the locking read', async () => {
      const now = new Date().toISOString();
      assert.equal((await store.getResource('fresh', 'User', 'fresh-7', true))?.id, 'fresh-7');
      await store.patchResource('fresh', 'User', 'fresh-8', (current) => ({ data: { ...current.data, title: 'x' }, memberChanges: [] }), { now });
      await store.deleteResource('fresh', 'User', 'fresh-9', { now });
      // A group's PUT replaces its members in a transaction, after the locking read (a DELETE's read is the PATCH's now).
      await store.insertResources('fresh', 'Group', [{ id: 'fresh-group', data: { schemas: [GROUP], displayName: 'fresh group' } }], { now });
      await store.replaceResource('fresh', 'Group', 'fresh-group', { data: { schemas: [GROUP], displayName: 'renamed' }, members: [] }, { now });
      const lookups = await driver.all<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%r.id = $3%'");
      assert.ok(lookups.length >= 3, `GET, the write's read and the locking read are prepared (${lookups.length})`);
      for (const lookup of lookups) {
        const plan = (await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${lookup.name}('fresh', 'User', 'fresh-10')`)).map((row) => row['QUERY PLAN']).join('\n');
        // Before, the planner took (directory_id, type, external_id) and filtered 2,000 rows by id.
        assert.match(plan, /Index Scan using resources_id_key on resources r\b/, `${lookup.statement}\n${plan}`);
        assert.doesNotMatch(plan, /resources_external_id|resources_type|resources_name|Seq Scan on resources r\b/, plan);
      }
    });
  });
}
