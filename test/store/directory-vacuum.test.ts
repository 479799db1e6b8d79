import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DirectoryVacuum } from '../../src/store/postgres/directory-vacuum.js';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { postgresMigrations } from '../../src/store/postgres/postgres-migrations.js';
import { SqlStore } from '../../src/store/sql/sql-store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

/** Resolves once `done()` holds, checking every 10 ms; fails after `ms`. */
async function eventually(done: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; !(await done()); await sleep(10)) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
  }
}

describe('DirectoryVacuum (when the directories table is vacuumed)', () => {
  it('runs one VACUUM for a burst of writes, another after later writes, none without writes', async () => {
    let runs = 0;
    const vacuum = new DirectoryVacuum(20, async () => {
      runs++;
    });
    await sleep(60);
    assert.equal(runs, 0, 'nothing written, nothing vacuumed');
    for (let i = 0; i < 50; i++) vacuum.written();
    await eventually(() => runs === 1, 2_000, 'a VACUUM after the burst');
    await sleep(60);
    assert.equal(runs, 1, 'one VACUUM for the whole burst');
    vacuum.written();
    await eventually(() => runs === 2, 2_000, 'a VACUUM after the next write');
    await vacuum.close();
  });

  it('writes during a VACUUM get one of their own after it; a failed VACUUM waits for the next write', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const vacuum = new DirectoryVacuum(10, () => {
      runs++;
      if (runs === 1) return new Promise<void>((resolve) => (release = resolve));
      if (runs === 2) return Promise.reject(new Error('the database is away'));
      return Promise.resolve();
    });
    vacuum.written();
    await eventually(() => runs === 1, 2_000, 'the first VACUUM starts');
    vacuum.written();
    release();
    await sleep(40);
    assert.equal(runs, 1, 'a write during a VACUUM does not start a second one beside it');
    vacuum.written();
    await eventually(() => runs === 2, 2_000, 'the VACUUM after it (which fails)');
    vacuum.written();
    await eventually(() => runs === 3, 2_000, 'a write after the failure is vacuumed after all');
    await vacuum.close();
  });

  it('close() cancels a pending VACUUM', async () => {
    let runs = 0;
    const vacuum = new DirectoryVacuum(30, async () => {
      runs++;
    });
    vacuum.written();
    await vacuum.close();
    await sleep(80);
    assert.equal(runs, 0);
  });
});

if (BACKENDS.includes('postgres')) {
  describe('The directories table after writes (PostgreSQL)', () => {
    let database: TestDatabase;
    let driver: PostgresDriver;
    let store: SqlStore;
    const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
    let reads = 0;
    /** Manual VACUUMs of the directories table (autovacuum's are counted apart). */
    const vacuums = async () => ++reads && Number((await driver.all<{ n: string }>("SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'directories'"))[0].n);

    before(async () => {
      database = await createTestDatabase('postgres');
      await (await database.open()).close();
      driver = new PostgresDriver(database.url, { directoryVacuumMs: 50 });
      store = new SqlStore(driver, postgresMigrations);
      await store.createDirectory({ id: 'd', name: 'd', created: new Date().toISOString() });
    });
    after(async () => {
      await driver.close();
      await database.drop();
    });

    it('is vacuumed soon after writes, off the statement count, and not while nothing is written', async () => {
      await sleep(150);
      assert.equal(await vacuums(), 0, 'no write yet');
      const now = new Date().toISOString();
      for (let i = 0; i < 5; i++) await store.createResource('d', 'User', { id: `u${i}`, data: { schemas: [USER], userName: `u${i}@example.com` } }, { now });
      await Promise.all(
        [0, 1, 2, 3, 4].map((i) => store.patchResource('d', 'User', `u${i}`, (current) => ({ data: { ...current.data, title: 'patched' }, memberChanges: [] }), { now })),
      );
      const [statements, readsBefore] = [(await driver.stats()).statements, reads];
      await eventually(async () => (await vacuums()) >= 1, 5_000, 'a VACUUM of directories after the writes');
      // The VACUUM is maintenance, not a request's round trip (round-trips.test.ts counts those).
      assert.equal((await driver.stats()).statements - statements, reads - readsBefore, 'only the reads of vacuum_count');
      // A VACUUM that started before the last writes is followed by one more; then none.
      await sleep(300);
      const settled = await vacuums();
      await sleep(300);
      assert.equal(await vacuums(), settled, 'no more VACUUMs without writes');
    });
  });
}
