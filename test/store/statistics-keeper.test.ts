import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parseFilter } from '../../src/scim/filter/parser.js';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { postgresMigrations } from '../../src/store/postgres/postgres-migrations.js';
import { isStale, StatisticsKeeper } from '../../src/store/postgres/statistics-keeper.js';
import type { SqlDriver, SqlExecutor } from '../../src/store/sql/sql-driver.js';
import { SqlStore } from '../../src/store/sql/sql-store.js';
import { createSecret } from '../../src/auth/secrets.js';
import { BACKENDS, createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../support/databases.js';
import { sampleValue } from '../support/prometheus-text.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const user = (i: number) => ({ id: `u-${i}`, data: { schemas: [USER], userName: `user${i}@fresh.example`, externalId: `ext-${i}` } });

/** Log lines as a list, for assertions. */
function recordingLog() {
  const lines: { level: 'info' | 'warn'; msg: string; [key: string]: unknown }[] = [];
  return {
    lines,
    info: (object: object, msg: string) => void lines.push({ level: 'info', msg, ...object }),
    warn: (object: object, msg: string) => void lines.push({ level: 'warn', msg, ...object }),
  };
}

/** Writes a statement's text and values into `sent` when it is the store's userName-eq page. */
function recordUserNameLookups(driver: SqlDriver, sent: { text?: string; values?: unknown[] }): void {
  const recorded = new WeakSet<SqlExecutor>();
  const record = (executor: SqlExecutor) => {
    if (recorded.has(executor)) return;
    recorded.add(executor);
    for (const method of ['all', 'get', 'arrays'] as const) {
      const original = executor[method]?.bind(executor) as SqlExecutor['all'] | undefined;
      if (!original) continue;
      (executor as unknown as Record<string, unknown>)[method] = (text: string, values: unknown[] = []) => {
        if (!text.startsWith('EXPLAIN') && text.includes('FROM resources r') && text.includes('r.name_key = $2')) Object.assign(sent, { text, values: [...values] });
        return original(text, values);
      };
    }
  };
  record(driver);
  const snapshot = driver.readSnapshot.bind(driver);
  driver.readSnapshot = (work) => snapshot((tx) => (record(tx), work(tx)));
}

const lookup = (store: SqlStore, directoryId: string, userName: string) =>
  store.queryResources(directoryId, 'User', { filter: parseFilter(`userName eq "${userName}"`), sortOrder: 'ascending', offset: 0, count: 100, includeMembership: false, withTotal: true, withSequence: true });

/** Autovacuum's own ANALYZE would race the tests' "before": it is turned off for the test database's tables. */
async function withoutAutovacuum(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const table of ['resources', 'memberships', 'resource_values']) await client.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
  } finally {
    await client.end();
  }
}

interface TableStats {
  changed: number;
  analyzed: string | null;
}

async function tableStats(driver: SqlDriver, table: string): Promise<TableStats> {
  const row = await driver.get<{ changed: string; analyzed: string | null }>('SELECT n_mod_since_analyze AS changed, last_analyze::text AS analyzed FROM pg_stat_user_tables WHERE relid = $1::regclass', [table]);
  return { changed: Number(row!.changed), analyzed: row!.analyzed };
}

/** PostgreSQL publishes a connection's row counts up to a second or so after its commits: waits for them. */
async function countsPublished(driver: SqlDriver, table: string, atLeast: number): Promise<TableStats> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stats = await tableStats(driver, table);
    if (stats.changed >= atLeast) return stats;
    if (Date.now() > deadline) throw new Error(`${table}: ${stats.changed} changed rows published, expected ${atLeast}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const statements = async (driver: PostgresDriver) => (await driver.stats()).statements;

describe('isStale (when the keeper refreshes a table)', () => {
  it('refreshes a never-analysed table from 500 changed rows, an analysed one once about doubled', () => {
    assert.equal(isStale({ changed: 499, rows: -1, neverAnalyzed: true }), false);
    assert.equal(isStale({ changed: 500, rows: -1, neverAnalyzed: true }), true);
    assert.equal(isStale({ changed: 500, rows: 0, neverAnalyzed: false }), true, 'analysed while empty');
    assert.equal(isStale({ changed: 600, rows: 1_000, neverAnalyzed: false }), false);
    assert.equal(isStale({ changed: 1_000, rows: 1_000, neverAnalyzed: false }), true);
    assert.equal(isStale({ changed: 499, rows: 100, neverAnalyzed: false }), false, 'never below 500');
  });
});

if (BACKENDS.includes('postgres')) {
  describe('StatisticsKeeper on PostgreSQL', () => {
    let database: TestDatabase;
    let driver: PostgresDriver;
    let store: SqlStore;
    const log = recordingLog();
    const refreshed: string[] = [];
    let keeper: StatisticsKeeper;
    const sent: { text?: string; values?: unknown[] } = {};
    const plan = async () => (await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${sent.text}`, sent.values)).map((row) => row['QUERY PLAN']).join('\n');
    const create = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await store.createResource('fresh', 'User', user(i), { now: new Date().toISOString() });
    };

    before(async () => {
      database = await createTestDatabase('postgres');
      await (await database.open()).close();
      await withoutAutovacuum(database.url);
      driver = new PostgresDriver(database.url, { maxConnections: 1 });
      store = new SqlStore(driver, postgresMigrations);
      keeper = new StatisticsKeeper(driver, log, ({ table }) => refreshed.push(table));
      recordUserNameLookups(driver, sent);
      await store.createDirectory({ id: 'fresh', name: 'fresh', created: new Date().toISOString() });
    });
    after(async () => {
      await keeper.stop();
      await driver.close();
      await database.drop();
    });

    it('leaves a never-analysed table alone while fewer than 500 rows changed', async () => {
      await create(0, 100);
      await countsPublished(driver, 'resources', 100);
      assert.deepEqual(await keeper.checkNow(), []);
      assert.equal((await tableStats(driver, 'resources')).analyzed, null);
      assert.deepEqual(log.lines, []);
    });

    it('ANALYZEs resources after 600 users written through the store, and the userName lookup then takes resources_name', async () => {
      await create(100, 600);
      await countsPublished(driver, 'resources', 600);
      assert.equal((await lookup(store, 'fresh', 'user417@fresh.example')).resources[0]?.id, 'u-417');
      assert.ok(sent.text, 'the store sent its userName-eq statement');
      const before = await plan();
      // Without statistics every (directory_id, type, …) index looks like it finds one row.
      assert.match(before, /Index Scan using resources_type on resources/, before);

      const refreshes = await keeper.checkNow();
      const resources = refreshes.find((r) => r.table === 'resources');
      assert.ok(resources && resources.changed >= 600, JSON.stringify(refreshes));
      assert.equal(resources.rowsBefore, -1);
      assert.notEqual((await tableStats(driver, 'resources')).analyzed, null, 'last_analyze is set');
      assert.ok(refreshed.includes('resources'));
      assert.ok(log.lines.some((line) => line.level === 'info' && line.table === 'resources' && Number(line.rowsChanged) >= 600), JSON.stringify(log.lines));

      assert.equal((await lookup(store, 'fresh', 'user417@fresh.example')).resources[0]?.id, 'u-417');
      const after = await plan();
      assert.match(after, /Index Scan using resources_name on resources/, after);
      assert.doesNotMatch(after, /resources_type/, after);
    });

    it('VACUUMs what it refreshed, so a walk of the directory\'s keys no longer visits the table (autovacuum is off here)', async () => {
      const vacuumed = await driver.get<{ at: string | null }>("SELECT last_vacuum::text AS at FROM pg_stat_user_tables WHERE relid = 'resources'::regclass");
      assert.notEqual(vacuumed?.at, null, 'last_vacuum of resources is set');
      const walk = (await driver.all<{ 'QUERY PLAN': string }>(
        "EXPLAIN (ANALYZE, COSTS OFF) SELECT pk FROM resources WHERE directory_id = 'fresh' AND type = 'User' ORDER BY directory_id, type, pk OFFSET 500",
      )).map((row) => row['QUERY PLAN']).join('\n');
      assert.match(walk, /Index Only Scan using resources_type/, walk);
      assert.match(walk, /Heap Fetches: 0/, walk);
    });

    it('leaves an analysed table alone until about as many rows changed as it holds', async () => {
      const analyzed = (await tableStats(driver, 'resources')).analyzed;
      await create(600, 700);
      await countsPublished(driver, 'resources', 100);
      const count = log.lines.length;
      assert.deepEqual(await keeper.checkNow(), []);
      assert.equal((await tableStats(driver, 'resources')).analyzed, analyzed);
      assert.equal(log.lines.length, count);
    });

    it('sends nothing on its timer until a write is noted, then looks twice', async () => {
      const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      keeper.start(20);
      try {
        const idle = await statements(driver);
        await wait(200);
        assert.equal(await statements(driver), idle, 'no statement without writes');
        keeper.noteWrites();
        await wait(200);
        // Nothing is stale: each look is the one statement that reads the tables' counts.
        assert.equal(await statements(driver), idle + 2);
        await wait(100);
        assert.equal(await statements(driver), idle + 2, 'quiet again');
      } finally {
        await keeper.stop();
      }
    });
  });

  describe('StatisticsKeeper with a role that may not ANALYZE the tables', () => {
    let database: TestDatabase;
    let owner: PostgresDriver;
    let stranger: PostgresDriver;
    const role = `scimd_test_stranger_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };

    before(async () => {
      database = await createTestDatabase('postgres');
      await (await database.open()).close();
      await withoutAutovacuum(database.url);
      owner = new PostgresDriver(database.url, { maxConnections: 1 });
      const store = new SqlStore(owner, postgresMigrations);
      const now = new Date().toISOString();
      await store.createDirectory({ id: 'fresh', name: 'fresh', created: now });
      await store.insertResources('fresh', 'User', Array.from({ length: 600 }, (_, i) => user(i)), { now });
      await countsPublished(owner, 'resources', 600);
      await admin(`CREATE ROLE ${role} LOGIN`);
      const url = new URL(database.url);
      url.username = role;
      stranger = new PostgresDriver(url.toString(), { maxConnections: 1 });
    });
    after(async () => {
      await stranger?.close();
      await owner?.close();
      await database.drop();
      await admin(`DROP ROLE IF EXISTS ${role}`);
    });

    it('logs the refusal once at warn, does not throw, and sends nothing more', async () => {
      const log = recordingLog();
      const keeper = new StatisticsKeeper(stranger, log);
      assert.deepEqual(await keeper.checkNow(), []);
      assert.equal(keeper.active, false);
      assert.equal((await tableStats(owner, 'resources')).analyzed, null, 'PostgreSQL skipped it');
      const warnings = log.lines.filter((line) => line.level === 'warn');
      assert.equal(warnings.length, 1, JSON.stringify(log.lines));
      assert.match(String(warnings[0].reason), /ANALYZE of resources.* is not allowed to this role/);
      assert.doesNotMatch(JSON.stringify(log.lines), /postgres:\/\//, 'no database URL in the log');

      const sentBefore = await statements(stranger);
      assert.deepEqual(await keeper.checkNow(), []);
      keeper.noteWrites();
      keeper.start(10);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await keeper.stop();
      assert.equal(await statements(stranger), sentBefore, 'no statement once refused');
      assert.equal(log.lines.length, 1);
    });
  });

  describe('The statistics keeper in the server (PostgreSQL)', () => {
    let server: TestServer;
    let inspector: PostgresDriver;

    before(async () => {
      server = await startTestServer('postgres');
      await withoutAutovacuum(server.databaseUrl);
      inspector = new PostgresDriver(server.databaseUrl, { maxConnections: 1 });
    });
    after(async () => {
      await inspector.close();
      await server.close();
    });

    it('is told of SCIM writes, ANALYZEs after 500 creates and counts it in /metrics', async () => {
      const directory = await server.createDirectory('statistics');
      // Bulk creates go through the same resource service as POST /Users, a request at a time.
      const operations = Array.from({ length: 500 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { schemas: [USER], userName: `user${i}@http.example` } }));
      const bulk = await directory.request('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
      assert.equal(bulk.status, 200, bulk.text);
      assert.ok(bulk.body.Operations.every((op: { status: string }) => op.status === '201'), bulk.text.slice(0, 500));
      await countsPublished(inspector, 'resources', 500);
      assert.equal((await tableStats(inspector, 'resources')).analyzed, null);
      // Started only now: the writes above were noted, so the first tick looks and refreshes.
      server.app.statistics!.start(20);
      const deadline = Date.now() + 5_000;
      while ((await tableStats(inspector, 'resources')).analyzed === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.notEqual((await tableStats(inspector, 'resources')).analyzed, null, 'refreshed from the timer');

      const admin = (await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'ops', lifetimeMs: 86_400_000, now: server.clock.now })).secret;
      const metrics = await server.raw('GET', `${server.origin}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
      assert.equal(sampleValue(metrics.text, 'scimd_db_statistics_refreshes_total', { table: 'resources' }), 1);
      assert.equal(sampleValue(metrics.text, 'scimd_db_statistics_refreshes_total', { table: 'memberships' }), 0);
    });
  });
}

if (BACKENDS.includes('sqlite')) {
  describe('SQLite without statistics (why it has no keeper)', () => {
    it('takes resources_name for the userName-eq lookup on a 2,000-user file never analysed', async () => {
      const database = await createTestDatabase('sqlite');
      const store = (await database.open()) as SqlStore;
      try {
        const now = new Date().toISOString();
        await store.createDirectory({ id: 'fresh', name: 'fresh', created: now });
        await store.insertResources('fresh', 'User', Array.from({ length: 2_000 }, (_, i) => user(i)), { now });
        const driver = store.sqlDriver;
        assert.deepEqual(await driver.all("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'"), [], 'no statistics');
        const sent: { text?: string; values?: unknown[] } = {};
        recordUserNameLookups(driver, sent);
        assert.equal((await lookup(store, 'fresh', 'user1234@fresh.example')).resources[0]?.id, 'u-1234');
        assert.ok(sent.text, 'the store sent its userName-eq statement');
        const plan = (await driver.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sent.text}`, sent.values)).map((row) => row.detail).join('\n');
        assert.match(plan, /USING INDEX resources_name \(directory_id=\? AND type=\? AND name_key=\?\)/, plan);
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}

describe('The statistics keeper is off where it has nothing to do', () => {
  for (const backend of BACKENDS) {
    it(`${backend}${backend === 'postgres' ? ' with dbAnalyze off' : ''}: no keeper and no metric`, async () => {
      const server = await startTestServer(backend, backend === 'postgres' ? { dbAnalyze: false } : {});
      try {
        assert.equal(server.app.statistics, null);
        const admin = (await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'ops', lifetimeMs: 86_400_000, now: server.clock.now })).secret;
        const metrics = await server.raw('GET', `${server.origin}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
        assert.equal(sampleValue(metrics.text, 'scimd_db_statistics_refreshes_total', { table: 'resources' }), undefined);
      } finally {
        await server.close();
      }
    });
  }
});
