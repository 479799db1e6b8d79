import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createSecret } from '../../src/auth/secrets.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, POSTGRES_ADMIN_URL } from '../support/databases.js';
import { startOtherWriter, type OtherWriter, type Replica } from '../support/replica.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/**
 * The verified-secret cache never outlives a change to the secret: a revocation committed by
 * another replica (another process on SQLite, another server on PostgreSQL) or by plain SQL
 * refuses the very next request, however often the secret was accepted before.
 */
for (const backend of BACKENDS) {
  describe(`Verified-secret cache (${backend})`, () => {
    let server: TestServer;
    /** The other writer: a second connection to the SQLite file, or a second server on PostgreSQL. */
    let otherStore: Store;
    let replica: Replica | undefined;
    let other: OtherWriter | undefined;

    before(async () => {
      server = await startTestServer(backend, { activityFlushMs: 0 });
      other = await startOtherWriter(server);
      ({ store: otherStore, replica } = other);
    });
    after(async () => {
      await other?.close();
      await server.close();
    });

    /** A directory with a fresh secret, accepted twice on the server (and on the replica) so it is cached everywhere. */
    const cachedSecret = async () => {
      const directory = await server.createDirectory();
      const { record, secret } = await createSecret(server.store, { directoryId: directory.id, scope: 'scim', name: 'cached', lifetimeMs: 86_400_000, now: server.clock.now });
      const get = (origin: string) => fetch(`${origin}/scim/v2/Users`, { headers: { authorization: `Bearer ${secret}` } });
      for (let i = 0; i < 2; i++) {
        assert.equal((await get(server.origin)).status, 200);
        if (replica) assert.equal((await get(replica.origin)).status, 200);
      }
      return { record, get };
    };

    it('uses a verified secret without reading it again while nothing changed', async () => {
      const { get } = await cachedSecret();
      const before = (await server.store.stats()).statements;
      assert.equal((await get(server.origin)).status, 200);
      const statements = (await server.store.stats()).statements - before;
      // A list page in its snapshot (on SQLite BEGIN, page, sequence, COMMIT; on PostgreSQL one
      // statement) and the change check: data_version on SQLite, a round trip on the listening
      // connection on PostgreSQL; no secret lookup.
      assert.equal(statements, backend === 'sqlite' ? 5 : 2, 'no secret lookup on a cached secret');
    });

    it('refuses the next request after another replica revokes the secret', async () => {
      const { record, get } = await cachedSecret();
      assert.equal(await otherStore.revokeSecret(record.id, server.clock.now.toISOString()), true);
      const response = await get(server.origin);
      assert.equal(response.status, 401, await response.text());
    });

    it('refuses the next request after this replica revokes the secret', async () => {
      const { record, get } = await cachedSecret();
      assert.equal(await server.store.revokeSecret(record.id, server.clock.now.toISOString()), true);
      assert.equal((await get(server.origin)).status, 401);
      if (replica) assert.equal((await get(replica.origin)).status, 401);
    });

    it('refuses the next request once the cached secret expires, without any write', async () => {
      const { get } = await cachedSecret();
      const started = server.clock.now;
      try {
        server.clock.now = new Date(started.getTime() + 86_400_000 + 1_000);
        assert.equal((await get(server.origin)).status, 401);
      } finally {
        server.clock.now = started;
      }
    });

    it('refuses the next request after a revocation by plain SQL, outside scimd', async () => {
      const { record, get } = await cachedSecret();
      if (backend === 'sqlite') {
        const { default: Database } = await import('better-sqlite3');
        const raw = new Database(server.databaseUrl);
        raw.prepare('UPDATE secrets SET revoked_at = ? WHERE id = ?').run(server.clock.now.toISOString(), record.id);
        raw.close();
      } else {
        const raw = new pg.Client({ connectionString: server.databaseUrl });
        await raw.connect();
        await raw.query('UPDATE secrets SET expires_at = $1 WHERE id = $2', [new Date(server.clock.now.getTime() - 1000).toISOString(), record.id]);
        await raw.end();
      }
      assert.equal((await get(server.origin)).status, 401);
      if (replica) assert.equal((await get(replica.origin)).status, 401);
    });

    if (backend === 'postgres') {
      it('stops trusting the cache when its listener connection is lost, and refuses a secret revoked meanwhile', async () => {
        const { record, get } = await cachedSecret();
        const token = await server.store.secretChangeToken();
        assert.notEqual(token, undefined, 'the listener is up');
        const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
        await admin.connect();
        const database = new URL(server.databaseUrl).pathname.slice(1);
        const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'scimd-secret-listener'", [database]);
        await admin.end();
        assert.ok(killed.rowCount! >= 1, 'a listener connection was terminated');
        await waitFor('the server to notice its listener is gone', async () => (await server.store.secretChangeToken()) !== token);
        assert.equal(await otherStore.revokeSecret(record.id, server.clock.now.toISOString()), true);
        assert.equal((await get(server.origin)).status, 401);
      });
    }
  });
}
