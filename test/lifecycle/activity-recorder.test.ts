import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { ActivityRecorder } from '../../src/lifecycle/activity-recorder.js';
import type { ActivityBatch, Store } from '../../src/store/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

const quiet = { info() {}, warn() {}, error() {} };
const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));

/** The real store, except that the next `recordActivity` fails after writing nothing (the database went away). */
function withOutage(store: Store): Store & { failNext: () => void } {
  let fail = false;
  return Object.assign(Object.create(store) as Store, {
    failNext: () => (fail = true),
    recordActivity: (batch: ActivityBatch) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('connection refused'));
      }
      return store.recordActivity(batch);
    },
  });
}

for (const backend of BACKENDS) {
  describe(`activity recorder (${backend})`, () => {
    let database: TestDatabase;
    let store: Store;
    let directoryId: string;
    let secretId: string;
    before(async () => {
      database = await createTestDatabase(backend);
      store = await database.open();
      directoryId = (await store.createDirectory({ id: 'dir_activity', name: 'activity', created: at(0).toISOString() })).id;
      secretId = (await createSecret(store, { directoryId, scope: 'scim', name: 's', lifetimeMs: null, now: at(0) })).record.id;
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    it('keeps the activity of a failed flush and writes it, once, with the next one', async () => {
      const flaky = withOutage(store);
      const recorder = new ActivityRecorder(flaky, quiet);
      const client = (s: number, userAgent: string) => ({ at: at(s), ip: '10.0.0.1', userAgent });
      recorder.request(directoryId, client(1, 'a'), 200);
      recorder.request(directoryId, client(2, 'b'), 500);
      recorder.rejected(directoryId, secretId, 'expired', client(3, 'c'));
      recorder.secretUsed(secretId, client(2, 'b'));
      flaky.failNext();
      await assert.rejects(recorder.flush(), /connection refused/);
      assert.equal((await store.connectionStatus(directoryId))!.requestCount, 0);
      // More traffic arrives while the database is away.
      recorder.request(directoryId, client(4, 'd'), 200);
      await recorder.flush();
      await recorder.flush();
      const status = (await store.connectionStatus(directoryId))!;
      assert.equal(status.requestCount, 3);
      assert.equal(status.errorCount, 1);
      assert.equal(status.rejectedCount, 1);
      assert.equal(status.lastRequestAt, at(4).toISOString());
      assert.equal(status.lastUserAgent, 'd');
      assert.equal(status.lastRejectedAt, at(3).toISOString());
      assert.equal((await store.findSecret(secretId))!.lastUsedAt, at(2).toISOString());
    });

    it('writes what is left when closed', async () => {
      const before = (await store.connectionStatus(directoryId))!.requestCount;
      const recorder = new ActivityRecorder(store, quiet);
      recorder.start(60_000);
      for (let i = 0; i < 25; i++) recorder.request(directoryId, { at: at(10), ip: null, userAgent: null }, 200);
      await recorder.close();
      assert.equal((await store.connectionStatus(directoryId))!.requestCount, before + 25);
    });

    it('runs concurrent flushes one after another without losing or doubling counts', async () => {
      const before = (await store.connectionStatus(directoryId))!.requestCount;
      const recorder = new ActivityRecorder(store, quiet);
      const flushes: Promise<void>[] = [];
      for (let i = 0; i < 40; i++) {
        recorder.request(directoryId, { at: at(20 + i), ip: null, userAgent: null }, 200);
        if (i % 5 === 0) flushes.push(recorder.flush());
      }
      flushes.push(recorder.flush());
      await Promise.all(flushes);
      assert.equal((await store.connectionStatus(directoryId))!.requestCount, before + 40);
    });
  });
}
