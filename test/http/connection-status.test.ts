import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { advance, callWith, eventsOf, firstSecretOf, newSecret } from '../support/lifecycle-helpers.js';
import { startReplica } from '../support/replica.js';
import { assertScimError, assertStatus } from '../support/scim-assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ENTRA = 'Azure AD SCIM Provisioning';

for (const backend of BACKENDS) {
  describe(`connection status (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      // No timed flush: the test decides when buffered activity is written.
      server = await startTestServer(backend, { activityFlushMs: 0 });
    });
    after(() => server.close());

    it('is not connected and has counted nothing before the first request', async () => {
      const dir = await server.createDirectory();
      assert.deepEqual(await server.store.connectionStatus(dir.id), {
        directoryId: dir.id,
        firstRequestAt: null,
        lastRequestAt: null,
        lastClientIp: null,
        lastUserAgent: null,
        requestCount: 0,
        errorCount: 0,
        rejectedCount: 0,
        lastRejectedAt: null,
        lastRejectedSecretId: null,
        lastRejectedReason: null,
      });
      assert.equal(await server.store.connectionStatus('dir_missing'), undefined);
    });

    it('marks the directory connected on its first authenticated request, once, with a directory.connected event', async () => {
      const dir = await server.createDirectory();
      const secret = await firstSecretOf(server, dir.id);
      assertScimError(await server.raw('GET', '/Users'), 401);
      assert.equal((await server.store.connectionStatus(dir.id))!.firstRequestAt, null, 'an unauthenticated request connects nothing');
      const first = advance(server, 1000);
      assertStatus(await dir.request('GET', '/Users', undefined, { 'user-agent': ENTRA }), 200);
      advance(server, 1000);
      assertStatus(await dir.request('GET', '/Groups', undefined, { 'user-agent': ENTRA }), 200);
      // Connection is recorded at once, not at the next flush.
      assert.equal((await server.store.connectionStatus(dir.id))!.firstRequestAt, first.toISOString());
      const connected = await eventsOf(server, dir.id, 'directory.connected');
      assert.equal(connected.length, 1);
      assert.deepEqual(connected[0].subject, { type: 'Directory', id: dir.id });
      assert.equal(connected[0].data.secretId, secret.id);
      assert.equal(connected[0].data.userAgent, ENTRA);
      assert.equal(connected[0].occurredAt, first.toISOString());
    });

    it('buffers request counts, last request and client in memory and writes them on flush', async () => {
      const dir = await server.createDirectory();
      const secret = await firstSecretOf(server, dir.id);
      assertStatus(await dir.request('GET', '/Users'), 200);
      await server.app.lifecycle.flush();
      const user = await dir.request('POST', '/Users', { userName: 'status@example.com' });
      assertStatus(user, 201);
      assertStatus(await dir.request('GET', `/Users/${user.body.id}`), 200);
      assertScimError(await dir.request('GET', '/Users/does-not-exist'), 404);
      assertScimError(await dir.request('POST', '/Users', { userName: 'status@example.com' }), 409);
      const last = advance(server, 5000);
      assertStatus(await dir.request('GET', '/Groups', undefined, { 'user-agent': ENTRA }), 200);

      const unflushed = (await server.store.connectionStatus(dir.id))!;
      assert.equal(unflushed.requestCount, 1, 'no write per request: the database still has only the first flush');
      await server.app.lifecycle.flush();
      const status = (await server.store.connectionStatus(dir.id))!;
      assert.equal(status.requestCount, 6);
      assert.equal(status.errorCount, 2);
      assert.equal(status.lastRequestAt, last.toISOString());
      assert.equal(status.lastClientIp, '127.0.0.1');
      assert.equal(status.lastUserAgent, ENTRA);
      const used = (await server.store.findSecret(secret.id))!;
      assert.equal(used.lastUsedAt, last.toISOString());
      assert.equal(used.lastUsedIp, '127.0.0.1');
      assert.equal(used.lastUsedUserAgent, ENTRA);
    });

    it('never moves the last request back when an older buffer is written after a newer one', async () => {
      const dir = await server.createDirectory();
      const replica = await startReplica(server);
      try {
        const later = advance(server, 10_000);
        assertStatus(await callWith(server, dir.secret, 'GET', '/Users', undefined, { 'user-agent': 'newer' }), 200);
        server.clock.now = new Date(later.getTime() - 5000);
        const replicaResponse = await fetch(`${replica.baseUrl}/Users`, { headers: { authorization: `Bearer ${dir.secret}`, 'user-agent': 'older' } });
        assert.equal(replicaResponse.status, 200);
        await server.app.lifecycle.flush();
        await replica.app.lifecycle.flush();
        const status = (await server.store.connectionStatus(dir.id))!;
        assert.equal(status.lastRequestAt, later.toISOString());
        assert.equal(status.lastUserAgent, 'newer');
        assert.equal(status.requestCount, 2);
        assert.equal((await firstSecretOf(server, dir.id)).lastUsedUserAgent, 'newer');
      } finally {
        await replica.close();
      }
    });

    it('adds the counts of several replicas and flushes on a clean shutdown', async () => {
      const dir = await server.createDirectory();
      const other = await newSecret(server, dir.id, 'second');
      const replicas = [await startReplica(server), await startReplica(server)];
      await Promise.all(
        replicas.flatMap((replica, r) =>
          Array.from({ length: 7 }, (_, i) =>
            fetch(`${replica.baseUrl}/Users${i === 0 ? '/missing' : ''}`, { headers: { authorization: `Bearer ${r ? other.secret : dir.secret}` } }),
          ),
        ),
      );
      assertStatus(await dir.request('GET', '/Users'), 200);
      // Closing a replica flushes what it buffered; nothing else wrote it.
      for (const replica of replicas) await replica.close();
      await server.app.lifecycle.flush();
      const status = (await server.store.connectionStatus(dir.id))!;
      assert.equal(status.requestCount, 15);
      assert.equal(status.errorCount, 2);
      assert.notEqual((await server.store.findSecret(other.record.id))!.lastUsedAt, null);
    });
  });
}
