import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { parseFilter } from '../../src/scim/filter/parser.js';
import type { ResourceQuery, SecretProbe, SecretRecord } from '../../src/store/store.js';
import { BACKENDS } from '../support/databases.js';
import { runSql } from '../support/raw-sql.js';
import { USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * A read given the request's secret (SecretProbe) checks it in its own statements: `unchanged`
 * is true while the secrets table has the secret as cached in every column that decides whom it
 * lets in, and false after any change to those (revoked, re-dated, deleted, moved), whichever
 * read it is (GET by id, a filter, an unfiltered page). Last-use bookkeeping is not such a
 * change. A read that finds no row says nothing.
 */
for (const backend of BACKENDS) {
  describe(`A read checks the request's secret in its own statement (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    const page = (extra: Partial<ResourceQuery> = {}): ResourceQuery => ({ sortOrder: 'ascending', offset: 0, count: 10, includeMembership: true, withTotal: true, withSequence: true, ...extra });

    /** What each kind of read says of `secret`: GET by id, an exact-lookup filter and an unfiltered page. */
    const readsSay = async (dir: TestDirectory, userId: string, secret: SecretRecord): Promise<(boolean | undefined)[]> => {
      const probes: SecretProbe[] = [{ secret }, { secret }, { secret }];
      const found = await server.store.getResource(dir.id, 'User', userId, true, probes[0]);
      assert.equal(found?.id, userId);
      const filter = parseFilter(`userName eq "${dir.id}@example.com"`);
      const filtered = await server.store.queryResources(dir.id, 'User', page({ filter, secretProbe: probes[1] }));
      assert.deepEqual(filtered.resources.map((r) => r.id), [userId]);
      const listed = await server.store.queryResources(dir.id, 'User', page({ secretProbe: probes[2] }));
      assert.deepEqual(listed.resources.map((r) => r.id), [userId]);
      return probes.map((p) => p.unchanged);
    };

    const setUp = async () => {
      const dir = await server.createDirectory();
      const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `${dir.id}@example.com` });
      assert.equal(created.status, 201, created.text);
      const { record } = await createSecret(server.store, { directoryId: dir.id, scope: 'scim', name: 'probed', lifetimeMs: 86_400_000, now: server.clock.now });
      return { dir, userId: created.body.id as string, record };
    };

    const expected = (unchanged: boolean) => Array(3).fill(unchanged);

    it('finds the secret unchanged, and still after its use is recorded', async () => {
      const { dir, userId, record } = await setUp();
      assert.deepEqual(await readsSay(dir, userId, record), expected(true));
      await server.store.recordSecretUse(record.id, new Date(server.clock.now.getTime() + 1000).toISOString(), '192.0.2.1', 'probe test');
      assert.deepEqual(await readsSay(dir, userId, record), expected(true));
    });

    it('finds every change to whom the secret lets in', async () => {
      const changes: [string, string, (record: SecretRecord) => unknown[]][] = [
        ['revoked', 'UPDATE secrets SET revoked_at = $2 WHERE id = $1', () => [server.clock.now.toISOString()]],
        ['re-dated', 'UPDATE secrets SET expires_at = $2 WHERE id = $1', () => [new Date(server.clock.now.getTime() + 3_600_000).toISOString()]],
        ['made never to expire', 'UPDATE secrets SET expires_at = NULL WHERE id = $1', () => []],
        ['given another hash', 'UPDATE secrets SET hash = $2 WHERE id = $1', () => ['0'.repeat(64)]],
        ['made an admin secret', "UPDATE secrets SET scope = 'admin', directory_id = NULL WHERE id = $1", () => []],
        ['deleted', 'DELETE FROM secrets WHERE id = $1', () => []],
      ];
      for (const [what, sql, values] of changes) {
        const { dir, userId, record } = await setUp();
        await runSql(server.databaseUrl, sql, [record.id, ...values(record)]);
        assert.deepEqual(await readsSay(dir, userId, record), expected(false), what);
      }
    });

    it('says nothing when the read finds no row', async () => {
      const { dir, record } = await setUp();
      const probe: SecretProbe = { secret: record };
      assert.equal(await server.store.getResource(dir.id, 'User', 'no-such-user', false, probe), undefined);
      assert.equal(probe.unchanged, undefined);
    });
  });
}
