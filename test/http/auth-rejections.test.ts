import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { generateSecret } from '../../src/auth/secret-format.js';
import { BACKENDS } from '../support/databases.js';
import { advance, callWith, DAY, eventsOf, firstSecretOf, HOUR, newSecret } from '../support/lifecycle-helpers.js';
import { sampleValue } from '../support/prometheus-text.js';
import { startReplica } from '../support/replica.js';
import { assertScimError, assertStatus } from '../support/scim-assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

for (const backend of BACKENDS) {
  describe(`rejected secrets (${backend})`, () => {
    let server: TestServer;
    let started: Date;
    before(async () => {
      server = await startTestServer(backend, { metricsPublic: true, authFailureLimit: 0 });
      started = server.clock.now;
    });
    afterEach(() => {
      server.clock.now = started;
    });
    after(() => server.close());

    it('counts requests with an expired secret on the directory, so status can say which secret and since when', async () => {
      const dir = await server.createDirectory();
      const { record, secret } = await newSecret(server, dir.id, 'Entra 2025', DAY);
      assertStatus(await callWith(server, secret), 200);
      // Two days after it expired, the identity provider still sends it.
      const rejectedAt = new Date(Date.parse(record.expiresAt!) + 2 * DAY);
      server.clock.now = rejectedAt;
      for (let i = 0; i < 5; i++) {
        const refused = await callWith(server, secret, 'GET', '/Users', undefined, { 'user-agent': 'Azure AD SCIM Provisioning' });
        assertScimError(refused, 401);
        assert.match(refused.body.detail, new RegExp(`expired on ${record.expiresAt}`));
        assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      }
      await server.app.lifecycle.flush();
      const status = (await server.store.connectionStatus(dir.id))!;
      assert.equal(status.rejectedCount, 5);
      assert.equal(status.lastRejectedAt, rejectedAt.toISOString());
      assert.equal(status.lastRejectedSecretId, record.id);
      assert.equal(status.lastRejectedReason, 'expired');
      // Rejected requests are not authenticated requests.
      assert.equal(status.requestCount, 1);
      assert.equal(status.errorCount, 0);
    });

    it('raises auth.rejected at most once an hour per secret, with a warn-level announcement', async () => {
      const dir = await server.createDirectory();
      const { record, secret } = await newSecret(server, dir.id, 'stale', DAY);
      server.clock.now = new Date(Date.parse(record.expiresAt!) + DAY);
      const first = server.clock.now;
      for (let i = 0; i < 3; i++) assertScimError(await callWith(server, secret), 401);
      advance(server, 59 * 60_000);
      assertScimError(await callWith(server, secret), 401);
      let events = await eventsOf(server, dir.id, 'auth.rejected');
      assert.equal(events.length, 1);
      assert.equal(events[0].subject.id, record.id);
      assert.equal(events[0].occurredAt, first.toISOString());
      assert.equal(events[0].data.reason, 'expired');
      assert.equal(events[0].data.expiresAt, record.expiresAt);
      assert.equal(events[0].data.via, 'bearer_secret');
      assert.equal(events[0].data.clientIp, '127.0.0.1');
      assert.ok(!JSON.stringify(events).includes(secret));

      advance(server, 60_001);
      assertScimError(await callWith(server, secret), 401);
      events = await eventsOf(server, dir.id, 'auth.rejected');
      assert.equal(events.length, 2, 'announced again after an hour');
    });

    it('announces a rejection once an hour across replicas too', async () => {
      const replica = await startReplica(server);
      try {
        const dir = await server.createDirectory();
        const { record, secret } = await newSecret(server, dir.id, 'revoked one', null);
        await server.store.revokeSecret(record.id, server.clock.now.toISOString());
        const statuses = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            fetch(`${i % 2 ? replica.baseUrl : server.baseUrl}/Users`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status),
          ),
        );
        assert.deepEqual(new Set(statuses), new Set([401]));
        const events = await eventsOf(server, dir.id, 'auth.rejected');
        assert.equal(events.length, 1);
        assert.equal(events[0].data.reason, 'revoked');
        await Promise.all([server.app.lifecycle.flush(), replica.app.lifecycle.flush()]);
        const status = (await server.store.connectionStatus(dir.id))!;
        assert.equal(status.rejectedCount, 10, 'both replicas add their counts');
        assert.equal(status.lastRejectedReason, 'revoked');
      } finally {
        await replica.close();
      }
    });

    it('refuses a revoked secret on the very next request and counts it as revoked', async () => {
      const dir = await server.createDirectory();
      const a = await firstSecretOf(server, dir.id);
      assertStatus(await dir.request('GET', '/Users'), 200);
      await server.store.revokeSecret(a.id, server.clock.now.toISOString());
      const refused = await dir.request('GET', '/Users');
      assertScimError(refused, 401);
      assert.match(refused.body.detail, /revoked/);
      await server.app.lifecycle.flush();
      const status = (await server.store.connectionStatus(dir.id))!;
      assert.equal(status.rejectedCount, 1);
      assert.equal(status.lastRejectedReason, 'revoked');
      assert.equal(status.lastRejectedSecretId, a.id);
    });

    it('counts unknown and malformed secrets in the process metric only, on no directory', async () => {
      const dir = await server.createDirectory();
      const scrape = async () => (await server.raw('GET', `${server.origin}/metrics`)).text;
      const count = (text: string, reason: string) => sampleValue(text, 'scimd_auth_rejections_total', { reason, directory_id: '' }) ?? 0;
      const before = await scrape();
      assertScimError(await callWith(server, generateSecret()), 401);
      assertScimError(await callWith(server, generateSecret()), 401);
      assertScimError(await callWith(server, 'not-a-secret'), 401);
      const after = await scrape();
      assert.equal(count(after, 'unknown') - count(before, 'unknown'), 2);
      assert.equal(count(after, 'malformed') - count(before, 'malformed'), 1);
      await server.app.lifecycle.flush();
      assert.equal((await server.store.connectionStatus(dir.id))!.rejectedCount, 0);
    });
  });

  describe(`failed authentication rate limit (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend, { authFailureLimit: 5 });
    });
    after(() => server.close());

    it('answers 429 with Retry-After after too many failures from one address, without slowing valid clients', async () => {
      const dir = await server.createDirectory();
      // Valid requests never count against the address.
      for (let i = 0; i < 30; i++) assertStatus(await dir.request('GET', '/Users?count=1'), 200);
      for (let i = 0; i < 5; i++) assertScimError(await callWith(server, generateSecret()), 401);
      const limited = await callWith(server, generateSecret());
      assertScimError(limited, 429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.match(limited.body.detail, /Too many failed authentications/);
      // The same address with a valid secret is served at once.
      assertStatus(await dir.request('GET', '/Users'), 200);
      assertScimError(await callWith(server, 'scimd_garbage'), 429);
      // The token endpoint shares the limit.
      const token = await server.raw('POST', `${server.origin}/oauth/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=sec_x&client_secret=${generateSecret()}`,
      });
      assert.equal(token.status, 429);
      assert.equal(token.body.error, 'invalid_client');
      assert.ok(Number(token.headers.get('retry-after')) >= 1);
      // A minute later the address starts afresh.
      server.clock.now = new Date(server.clock.now.getTime() + 61_000);
      assertScimError(await callWith(server, generateSecret()), 401);
    });

    it('does not count requests without credentials (nothing was guessed)', async () => {
      server.clock.now = new Date(server.clock.now.getTime() + HOUR);
      for (let i = 0; i < 10; i++) assertScimError(await server.raw('GET', '/Users'), 401);
      assertScimError(await callWith(server, generateSecret()), 401);
    });
  });
}
