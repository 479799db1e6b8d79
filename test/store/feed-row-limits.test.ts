import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SqlStore } from '../../src/store/sql/sql-store.js';
import { SqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { sqliteMigrations } from '../../src/store/sqlite/sqlite-migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * SQLite plans with a bound LIMIT's value and prepares the statement again on every run, so the
 * event feed's, the webhook dispatcher's and the audit log's reads write their LIMIT into the
 * text, as list pages do (test/store/sql-row-limit.test.ts). Their results are tested with the
 * feed, the dispatcher and the admin API; this checks the statements they send.
 */
describe('LIMIT of the event, webhook and audit reads (sqlite)', () => {
  let database: TestDatabase;
  let driver: SqliteDriver;
  let store: SqlStore;
  const texts: string[] = [];

  before(async () => {
    database = await createTestDatabase('sqlite');
    await (await database.open()).close();
    driver = new SqliteDriver(database.url);
    const all = driver.all.bind(driver);
    driver.all = ((sql: string, params?: unknown[]) => {
      texts.push(sql);
      return all(sql, params);
    }) as SqliteDriver['all'];
    store = new SqlStore(driver, sqliteMigrations);
  });

  after(async () => {
    await store.close();
    await database.drop();
  });

  /** The LIMIT of the one statement `read` sent. */
  const limitOf = async (read: () => Promise<unknown>): Promise<string> => {
    texts.length = 0;
    await read();
    const limits = texts.flatMap((sql) => [...sql.matchAll(/\bLIMIT\s+(\S+)/g)].map((m) => m[1]));
    assert.equal(limits.length, 1, texts.join('\n'));
    return limits[0];
  };

  it('reads events with the count in the text', async () => {
    assert.equal(await limitOf(() => store.readEvents('dir_none', 0, 7)), '7');
  });

  it('claims webhook streams with the count in the text', async () => {
    const now = new Date().toISOString();
    assert.equal(await limitOf(() => store.webhooks.claimStreams('owner', now, now, 3)), '12');
  });

  it('lists webhook deliveries with the count in the text, whatever the conditions before it', async () => {
    assert.equal(await limitOf(() => store.webhooks.listDeliveries({ webhookId: 'wh_none', limit: 9 })), '9');
    assert.equal(await limitOf(() => store.webhooks.listDeliveries({ webhookId: 'wh_none', directoryId: 'dir_none', outcome: 'failed', before: 'd_none', limit: 5 })), '5');
  });

  it('reads the audit log with the count in the text', async () => {
    assert.equal(await limitOf(() => store.readAudit({ limit: 11 })), '11');
    assert.equal(await limitOf(() => store.readAudit({ directoryId: 'dir_none', before: 'a_none', limit: 4 })), '4');
  });
});
