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

    /** An access token from /oauth/token for a fresh secret, used twice on the server (and on the replica) so its secret is cached by id everywhere. */
    const cachedAccessToken = async () => {
      const directory = await server.createDirectory();
      const { record, secret } = await createSecret(server.store, { directoryId: directory.id, scope: 'scim', name: 'token client', lifetimeMs: 86_400_000, now: server.clock.now });
      const issued = await fetch(`${server.origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${record.id}:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      assert.equal(issued.status, 200, await issued.clone().text());
      const accessToken = ((await issued.json()) as { access_token: string }).access_token;
      const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/scim+json' };
      const get = (origin: string) => fetch(`${origin}/scim/v2/Users`, { headers });
      const create = (origin: string, userName: string) => fetch(`${origin}/scim/v2/Users`, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName }) });
      for (let i = 0; i < 2; i++) {
        assert.equal((await get(server.origin)).status, 200);
        if (replica) assert.equal((await get(replica.origin)).status, 200);
      }
      return { record, get, create };
    };

    it('uses a verified secret without reading it again while nothing changed', async () => {
      const { get } = await cachedSecret();
      const before = (await server.store.stats()).statements;
      assert.equal((await get(server.origin)).status, 200);
      const statements = (await server.store.stats()).statements - before;
      // A list page in its snapshot (on SQLite BEGIN, page, sequence, COMMIT; on PostgreSQL one
      // statement), which checks the secret itself (no data_version read on SQLite, no round trip
      // on the listening connection on PostgreSQL); no secret lookup.
      assert.equal(statements, backend === 'sqlite' ? 4 : 1, 'no secret lookup on a cached secret');
    });

    it('refuses the next request after another replica revokes the secret', async () => {
      const { record, get } = await cachedSecret();
      assert.equal(await otherStore.revokeSecret(record.id, server.clock.now.toISOString()), true);
      const response = await get(server.origin);
      assert.equal(response.status, 401, await response.text());
    });

    it("uses an access token's secret without reading it again while nothing changed", async () => {
      const { get } = await cachedAccessToken();
      // Counted on the server's own store: its statement count is the same either way (the change
      // check replaces the lookup), but only the lookup can be skipped.
      const lookup = server.store.findSecret;
      let lookups = 0;
      server.store.findSecret = (id) => {
        lookups++;
        return lookup.call(server.store, id);
      };
      try {
        const before = (await server.store.stats()).statements;
        assert.equal((await get(server.origin)).status, 200);
        const statements = (await server.store.stats()).statements - before;
        assert.equal(lookups, 0, 'no secret lookup for a cached access token');
        assert.equal(statements, backend === 'sqlite' ? 4 : 1, 'the page in its snapshot, which checks the secret itself');
      } finally {
        server.store.findSecret = lookup;
      }
    });

    it('refuses the next read and the next write by access token after another replica revokes its secret', async () => {
      const { record, get, create } = await cachedAccessToken();
      assert.equal((await create(server.origin, 'token.before@example.com')).status, 201);
      assert.equal(await otherStore.revokeSecret(record.id, server.clock.now.toISOString()), true);
      const read = await get(server.origin);
      assert.equal(read.status, 401, await read.text());
      const write = await create(server.origin, 'token.after@example.com');
      assert.equal(write.status, 401, await write.text());
      if (replica) assert.equal((await get(replica.origin)).status, 401);
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
