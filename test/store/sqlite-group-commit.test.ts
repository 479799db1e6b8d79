import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';

/** A log sync the test finishes by hand, so it can look at what waits for the disk. */
class ManualSync {
  readonly calls: Array<{ finish: () => void; fail: (error: Error) => void }> = [];
  readonly syncFile = (_fd: number) =>
    new Promise<void>((resolve, reject) => this.calls.push({ finish: resolve, fail: reject }));
  get last() {
    return this.calls[this.calls.length - 1];
  }
}

/** Whether a promise has settled once the event loop has turned over a few times. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('SQLite group commit (FULL durability)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-group-commit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const insert = (driver: SqliteDriver, value: string) =>
    driver.transaction((tx) => tx.run('INSERT INTO t (v) VALUES ($1)', [value]));

  async function openWithTable(name: string, sync: ManualSync): Promise<SqliteDriver> {
    const driver = new SqliteDriver(join(dir, `${name}.db`), { syncFile: sync.syncFile });
    const created = driver.transaction((tx) => tx.run('CREATE TABLE t (v TEXT)'));
    while (sync.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    sync.last.finish();
    await created;
    return driver;
  }

  it('acknowledges a write only after the log sync that covers it, and lets later writes share the next sync', async () => {
    const sync = new ManualSync();
    const driver = await openWithTable('shared', sync);
    const first = insert(driver, 'a');
    assert.equal(await settled(first), false, 'the write waits for the disk');
    assert.equal(sync.calls.length, 2, 'one sync is in flight for it');

    // While that sync runs, the connection is free: two more writers commit and wait together.
    const second = insert(driver, 'b');
    const third = insert(driver, 'c');
    assert.equal(await settled(second), false);
    assert.equal(await settled(third), false);
    assert.equal(sync.calls.length, 2, 'no second sync starts while one is in flight');

    sync.last.finish();
    assert.equal(await settled(first), true);
    assert.equal(await settled(second), false, 'the first sync began before the second commit, so it does not cover it');
    assert.equal(sync.calls.length, 3, 'one next sync for both waiting writers');
    sync.last.finish();
    assert.deepEqual(await Promise.all([second, third]), [1, 1]);
    assert.equal(sync.calls.length, 3);
    await driver.close();
  });

  it('lets no one read a commit before it is on disk', async () => {
    const sync = new ManualSync();
    const driver = await openWithTable('reads', sync);
    const write = insert(driver, 'x');
    await settled(write);
    const read = driver.all<{ v: string }>('SELECT v FROM t');
    const snapshot = driver.readSnapshot((tx) => tx.all<{ v: string }>('SELECT v FROM t'));
    assert.equal(await settled(read), false, 'the read waits for the sync');
    assert.equal(await settled(snapshot), false);
    sync.last.finish();
    assert.deepEqual(await read, [{ v: 'x' }]);
    assert.deepEqual(await snapshot, [{ v: 'x' }]);
    await write;
    // With nothing waiting for the disk, a read does not wait at all.
    assert.equal(await settled(driver.get('SELECT COUNT(*) AS n FROM t')), true);
    await driver.close();
  });

  it('fails the writes a failed sync was to cover, and the next write syncs again', async () => {
    const sync = new ManualSync();
    const driver = await openWithTable('failing', sync);
    const doomed = insert(driver, 'lost?');
    await settled(doomed);
    sync.last.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await assert.rejects(doomed, /EIO/);
    const next = insert(driver, 'next');
    await settled(next);
    assert.equal(sync.calls.length, 3, 'a new sync, not the failed one');
    sync.last.finish();
    assert.equal(await next, 1);
    await driver.close();
  });

  it('syncs the real log file with fdatasync and counts commits and syncs', async () => {
    const file = join(dir, 'real.db');
    const driver = new SqliteDriver(file);
    await driver.transaction((tx) => tx.run('CREATE TABLE t (v TEXT)'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => insert(driver, `v${i}`)));
    const stats = await driver.stats();
    assert.equal(stats.kind, 'sqlite');
    if (stats.kind !== 'sqlite') return;
    assert.equal(stats.commits, 21);
    assert.ok(stats.walSyncs >= 1 && stats.walSyncs <= 21, `${stats.walSyncs} syncs for 21 commits`);
    assert.ok(stats.walSyncs < 21, `20 concurrent writes share syncs (${stats.walSyncs} for 21 commits)`);
    await driver.close();
    // What was acknowledged is in the file for the next process.
    const reopened = new SqliteDriver(file);
    assert.deepEqual(await reopened.get('SELECT COUNT(*) AS n FROM t'), { n: 20 });
    await reopened.close();
  });

  it('leaves durability to SQLite where there is no write-ahead log (an in-memory database here)', async () => {
    const sync = new ManualSync();
    const driver = new SqliteDriver(':memory:', { syncFile: sync.syncFile });
    await driver.transaction((tx) => tx.run('CREATE TABLE t (v TEXT)'));
    assert.equal(await insert(driver, 'm'), 1);
    assert.equal(sync.calls.length, 0, 'no log to sync, and no write waits for one');
    await driver.close();
  });

  it('does not sync in NORMAL mode', async () => {
    const sync = new ManualSync();
    const driver = new SqliteDriver(join(dir, 'normal.db'), { synchronous: 'NORMAL', syncFile: sync.syncFile });
    await driver.transaction((tx) => tx.run('CREATE TABLE t (v TEXT)'));
    assert.equal(await insert(driver, 'n'), 1);
    assert.equal(sync.calls.length, 0);
    await driver.close();
  });
});
