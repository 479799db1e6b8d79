import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { advance, callWith, DAY, eventsOf, firstSecretOf, HOUR, newSecret, secretRecord, setDirectorySettings, until } from '../support/lifecycle-helpers.js';
import { assertScimError, assertStatus, q } from '../support/scim-assertions.js';
import { startReplica } from '../support/replica.js';
import { startTestServer, type ScimResponse, type TestServer } from '../support/test-server.js';

for (const backend of BACKENDS) {
  describe(`secret rotation (${backend})`, () => {
    let server: TestServer;
    let started: Date;
    before(async () => {
      // Events are kept for ten years here, so sweeps far in the future leave them readable.
      server = await startTestServer(backend, { eventRetentionMs: 3650 * DAY });
      started = server.clock.now;
    });
    afterEach(() => {
      server.clock.now = started;
    });
    after(() => server.close());

    it('lets an Entra-like client switch from secret A to secret B mid-traffic with zero failed requests', async () => {
      const dir = await server.createDirectory();
      const a = await firstSecretOf(server, dir.id);
      let current = dir.secret;
      let iterations = 0;
      let stop = false;
      const responses: ScimResponse[] = [];
      const client = async (worker: number) => {
        while (!stop) {
          const i = iterations++;
          const secret = current;
          const userName = `rotation-${worker}-${i}@example.com`;
          responses.push(await callWith(server, secret, 'POST', '/Users', { userName }));
          responses.push(await callWith(server, secret, 'GET', `/Users?filter=${q(`userName eq "${userName}"`)}`));
        }
      };
      const clients = [1, 2, 3, 4].map(client);

      await until(() => iterations >= 20, 'traffic with secret A');
      // "+ Client Secret": B is created while A carries traffic.
      const b = await newSecret(server, dir.id, 'Entra 2027');
      await until(() => iterations >= 40, 'more traffic with A after B exists');
      // The admin pastes B into Entra and saves: new requests carry B.
      current = b.secret;
      await until(() => iterations >= 60, 'traffic with secret B');
      // The admin sees B in use and revokes A; nothing in flight still carries A.
      await server.app.lifecycle.flush();
      const bNow = await secretRecord(server, b.record.id);
      assert.ok(bNow.firstUsedAt && bNow.lastUsedAt, 'B shows as used before A is revoked');
      assert.equal(await server.store.revokeSecret(a.id, server.clock.now.toISOString()), true);
      await until(() => iterations >= 80, 'traffic after A is revoked');
      stop = true;
      await Promise.all(clients);

      const failed = responses.filter((r) => r.status >= 300);
      assert.deepEqual(failed.map((r) => `${r.status} ${r.text.slice(0, 200)}`), []);
      assert.ok(responses.length >= 160);
      const users = await callWith(server, b.secret, 'GET', '/Users?count=0');
      assert.equal(users.body.totalResults, responses.length / 2);
      // A is refused from the very next request on.
      assertScimError(await callWith(server, dir.secret), 401);
    });

    it('raises secret.first_used once per secret, saying whether a rotation is under way', async () => {
      const dir = await server.createDirectory();
      const a = await firstSecretOf(server, dir.id);
      assertStatus(await dir.request('GET', '/Users'), 200);
      assertStatus(await dir.request('GET', '/Groups'), 200);
      advance(server, 60_000);
      const b = await newSecret(server, dir.id, 'Entra 2027');
      advance(server, HOUR);
      // The client's first requests with B arrive together: still one event.
      const burst = await Promise.all(Array.from({ length: 8 }, () => callWith(server, b.secret)));
      assert.ok(burst.every((r) => r.status === 200));

      const events = await eventsOf(server, dir.id, 'secret.first_used');
      assert.deepEqual(
        events.map((e) => e.subject.id),
        [a.id, b.record.id],
      );
      assert.equal(events[0].data.rotation, false);
      assert.deepEqual(events[0].data.olderActiveSecrets, []);
      assert.equal(events[1].data.rotation, true);
      assert.deepEqual(
        (events[1].data.olderActiveSecrets as { id: string }[]).map((s) => s.id),
        [a.id],
      );
      assert.equal(events[1].data.secretName, 'Entra 2027');
      assert.equal(events[1].data.clientIp, '127.0.0.1');
      assert.equal((await secretRecord(server, b.record.id)).firstUsedAt, server.clock.now.toISOString());
      assert.equal((await secretRecord(server, a.id)).firstUsedAt, started.toISOString());
      for (const event of events) assert.doesNotMatch(JSON.stringify(event), /scimd_[0-9A-Za-z]{20}/, 'no secret in an event');
    });

    it('records the first use of a secret on one replica only, whichever replica sees it first', async () => {
      const replica = await startReplica(server);
      try {
        const dir = await server.createDirectory();
        const both = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            fetch(`${i % 2 ? replica.baseUrl : server.baseUrl}/Users`, { headers: { authorization: `Bearer ${dir.secret}` } }).then((r) => r.status),
          ),
        );
        assert.deepEqual(new Set(both), new Set([200]));
        assert.equal((await eventsOf(server, dir.id, 'secret.first_used')).length, 1);
        assert.equal((await eventsOf(server, dir.id, 'directory.connected')).length, 1);
      } finally {
        await replica.close();
      }
    });

    it('revokes the older secret automatically once the newer one has carried traffic for the grace period', async () => {
      const dir = await server.createDirectory();
      await setDirectorySettings(server, dir.id, { autoRevokeGraceHours: 24 });
      const a = await firstSecretOf(server, dir.id);
      assertStatus(await dir.request('GET', '/Users'), 200);
      advance(server, HOUR);
      const b = await newSecret(server, dir.id, 'Entra 2027');
      const switched = advance(server, HOUR);
      assertStatus(await callWith(server, b.secret), 200);

      advance(server, 24 * HOUR - 60_000);
      assert.equal((await server.app.lifecycle.runOnce()).revoked, 0);
      assert.equal((await secretRecord(server, a.id)).revokedAt, null);

      const due = new Date(switched.getTime() + 24 * HOUR);
      const report = await server.app.lifecycle.runOnce(due);
      assert.equal(report.revoked, 1);
      assert.equal((await secretRecord(server, a.id)).revokedAt, due.toISOString());
      assert.equal((await secretRecord(server, b.record.id)).revokedAt, null);
      const revoked = await eventsOf(server, dir.id, 'secret.revoked');
      assert.equal(revoked.length, 1);
      assert.equal(revoked[0].subject.id, a.id);
      assert.equal(revoked[0].data.reason, 'auto-rotation');
      assert.equal(revoked[0].data.successorId, b.record.id);
      assert.equal(revoked[0].data.graceHours, 24);
      const audit = await server.store.readAudit({ directoryId: dir.id, limit: 10 });
      assert.deepEqual(
        audit.map((entry) => [entry.actor, entry.action, entry.targetId, entry.at]),
        [['system:auto-rotation', 'secret.revoked', a.id, due.toISOString()]],
      );

      assertScimError(await dir.request('GET', '/Users'), 401);
      assertStatus(await callWith(server, b.secret), 200);
      assert.equal((await server.app.lifecycle.runOnce(new Date(due.getTime() + HOUR))).revoked, 0);
      assert.equal((await eventsOf(server, dir.id, 'secret.revoked')).length, 1);
    });

    it('keeps an older secret the client still uses (new secret tested, never saved), and revokes it once idle for the grace period', async () => {
      const dir = await server.createDirectory();
      await setDirectorySettings(server, dir.id, { autoRevokeGraceHours: 24 });
      const a = await firstSecretOf(server, dir.id);
      advance(server, 60_000);
      const b = await newSecret(server, dir.id, 'tested only');
      assertStatus(await callWith(server, b.secret), 200); // Test Connection with B, then no Save
      for (let hour = 0; hour < 30; hour += 6) {
        advance(server, 6 * HOUR);
        assertStatus(await dir.request('GET', '/Users'), 200); // Entra keeps syncing with A
      }
      const lastUseOfA = server.clock.now;
      assert.equal((await server.app.lifecycle.runOnce(new Date(lastUseOfA.getTime() + 23 * HOUR))).revoked, 0);
      assert.equal((await secretRecord(server, a.id)).revokedAt, null);
      assert.equal((await server.app.lifecycle.runOnce(new Date(lastUseOfA.getTime() + 24 * HOUR))).revoked, 1);
      assert.notEqual((await secretRecord(server, a.id)).revokedAt, null);
    });

    it('never revokes automatically when the directory has not opted in', async () => {
      const dir = await server.createDirectory();
      const a = await firstSecretOf(server, dir.id);
      assertStatus(await dir.request('GET', '/Users'), 200);
      advance(server, 60_000);
      const b = await newSecret(server, dir.id, 'Entra 2027');
      assertStatus(await callWith(server, b.secret), 200);
      assert.equal((await server.app.lifecycle.runOnce(new Date(server.clock.now.getTime() + 90 * 24 * HOUR))).revoked, 0);
      assert.equal((await secretRecord(server, a.id)).revokedAt, null);
      assert.deepEqual(await eventsOf(server, dir.id, 'secret.revoked'), []);
    });
  });
}
