import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ScimError } from '../../src/scim/errors.js';
import { SqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, BULK_REQUEST_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

describe('SQLite statement deadline', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'scimd-deadline-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('stops a query that checks the deadline once it runs past it, with 503', async () => {
    const driver = new SqliteDriver(join(folder, 'deadline.db'), { statementTimeoutMs: 50 });
    try {
      // Counts to 10^12 unless the deadline stops it: only the deadline can end this in the test's time.
      const endless = 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000000000 AND scimd_within_deadline() = 1) SELECT count(*) AS c FROM n';
      await assert.rejects(driver.all(endless), (error: unknown) => error instanceof ScimError && error.status === 503 && /longer than 50 ms/.test(error.detail));
      // The next statement gets a deadline of its own.
      assert.deepEqual(await driver.all('SELECT scimd_within_deadline() AS ok'), [{ ok: 1 }]);
    } finally {
      await driver.close();
    }
  });
});

if (BACKENDS.includes('sqlite')) {
  describe('a SCIM query past the statement time (sqlite)', () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer('sqlite', { dbStatementTimeoutMs: 1 });
      dir = await server.createDirectory();
      const Operations = Array.from({ length: 300 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: { userName: `slow${i}@example.com`, title: `title ${i}` } }));
      assertStatus(await dir.request('POST', '/Bulk', { schemas: [BULK_REQUEST_SCHEMA], Operations }), 200);
    });
    after(() => server.close());

    it('answers 503 with Retry-After and a SCIM body, and the server keeps serving', async () => {
      // 256 substring comparisons on every one of 300 users: far beyond a millisecond.
      const filter = Array.from({ length: 256 }, (_, i) => `title co "zz${i}"`).join(' or ');
      const response = await dir.request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });
      assertScimError(response, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.equal((await server.raw('GET', `${server.origin}/healthz`)).status, 200);
    });
  });
}

if (BACKENDS.includes('postgres')) {
  describe('a SCIM query past the statement time (postgres)', () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer('postgres', { dbStatementTimeoutMs: 300 });
      dir = await server.createDirectory();
    });
    after(() => server.close());

    it('answers 503 with Retry-After and a SCIM body when statement_timeout ends the query', async () => {
      // Another session holds the resources table: the query waits on the lock until statement_timeout ends it.
      const locker = new pg.Client({ connectionString: server.databaseUrl });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE resources IN ACCESS EXCLUSIVE MODE');
        const response = await dir.request('GET', '/Users');
        assertScimError(response, 503);
        assert.equal(response.headers.get('retry-after'), '5');
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
      assertStatus(await dir.request('GET', '/Users'), 200);
    });
  });
}
