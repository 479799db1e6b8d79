import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { DEFAULT_SETTINGS, type ConnectionRecord } from '../../src/provisioning/connections/connection.js';
import { openConnectionStore } from '../../src/provisioning/store/open-connection-store.js';
import { runSql } from '../support/raw-sql.js';

function oldConnection(): ConnectionRecord {
  return {
    id: 'con_old',
    name: 'old',
    source: { kind: 'file', users: '/tmp/users.csv' },
    targetUrl: 'https://app.example.com/scim/v2',
    credentialKind: 'bearer',
    encryptedCredential: 'v1:abc',
    credentialExpiresAt: null,
    mappings: null,
    scoping: {},
    settings: { ...DEFAULT_SETTINGS },
    created: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-01T00:00:00.000Z',
    quarantine: null,
    allowDeletes: false,
    credentialState: null,
    targetProfile: null,
  };
}

for (const backend of BACKENDS) {
  describe(`migration 16: stored durations in minutes say min (${backend})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(backend);
    });
    after(async () => database.drop());

    it('rewrites 40m to 40min in a connection written before "m" was refused, and leaves other values alone', async () => {
      const store = await openConnectionStore(database.url);
      await store.createConnection(oldConnection());
      // As a release before migration 16 stored them: minutes written as m.
      await runSql(database.url, `UPDATE provisioning_connections SET settings = $1 WHERE id = 'con_old'`, [JSON.stringify({ ...DEFAULT_SETTINGS, schedule: '40m', fullSyncEvery: '90M', deleteAfter: '30d' })]);
      await runSql(database.url, 'DELETE FROM schema_migrations WHERE version = 16');
      await store.close();
      const reopened = await openConnectionStore(database.url);
      try {
        const connection = await reopened.findConnection('con_old');
        assert.equal(connection?.settings.schedule, '40min');
        assert.equal(connection?.settings.fullSyncEvery, '90Min');
        assert.equal(connection?.settings.deleteAfter, '30d');
      } finally {
        await reopened.close();
      }
    });
  });
}
