import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

for (const backend of BACKENDS) {
  describe(`event outbox (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const eventsSince = async (sequence: number) => server.store.readEvents(dir.id, sequence, 10_000);

    it('records each SCIM write as an event in the same transaction, with gapless sequences', async () => {
      // The directory's first request raises its own lifecycle events (secret.first_used,
      // directory.connected); start counting after it.
      await dir.request('GET', '/Users');
      const start = await server.store.lastSequence(dir.id);
      const user = await dir.request('POST', '/Users', { userName: 'ada@example.com', name: { givenName: 'Ada' } });
      await dir.request('PATCH', `/Users/${user.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'name.givenName', value: 'Augusta' }] });
      await dir.request('PATCH', `/Users/${user.body.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      await dir.request('PATCH', `/Users/${user.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] });
      const group = await dir.request('POST', '/Groups', { displayName: 'Analysts', members: [{ value: user.body.id }] });
      await dir.request('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${user.body.id}"]` }] });
      await dir.request('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: user.body.id }] }] });
      await dir.request('DELETE', `/Users/${user.body.id}`);
      await dir.request('DELETE', `/Groups/${group.body.id}`);

      const events = await eventsSince(start);
      assert.deepEqual(
        events.map((e) => e.type),
        [
          'user.created',
          'user.updated',
          'user.deactivated',
          'user.reactivated',
          'group.created',
          'group.member_added',
          'group.member_removed',
          'group.member_added',
          'user.deleted',
          'group.member_removed',
          'group.deleted',
        ],
      );
      assert.deepEqual(
        events.map((e) => e.sequence),
        events.map((_, i) => start + i + 1),
      );
      assert.equal(new Set(events.map((e) => e.id)).size, events.length);
      const updated = events[1];
      assert.deepEqual(updated.data.changed, ['name']);
      assert.deepEqual(updated.data.before, { name: { givenName: 'Ada' } });
      assert.deepEqual(updated.data.after, { name: { givenName: 'Augusta' } });
      assert.equal(updated.subject.version, 2);
      assert.deepEqual(events[5].data.member, { value: user.body.id, type: 'User' });
    });

    it('records nothing for a write that changes nothing, or fails', async () => {
      const user = await dir.request('POST', '/Users', { userName: 'quiet@example.com', title: 'Clerk' });
      const start = await server.store.lastSequence(dir.id);
      await dir.request('PATCH', `/Users/${user.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Clerk' }] });
      const failed = await dir.request('PATCH', `/Users/${user.body.id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'title', value: 'Manager' },
          { op: 'replace', path: 'id', value: 'x' },
        ],
      });
      assert.equal(failed.status, 400);
      const duplicate = await dir.request('POST', '/Users', { userName: 'QUIET@example.com' });
      assert.equal(duplicate.status, 409);
      assert.deepEqual(await eventsSince(start), []);
      assert.equal(await server.store.lastSequence(dir.id), start);
    });

    it('keeps per-directory sequences gapless and ordered under concurrent writes', async () => {
      const start = await server.store.lastSequence(dir.id);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => dir.request('POST', '/Users', { userName: `burst${i}@example.com` })));
      assert.ok(results.every((r) => r.status === 201));
      const events = await eventsSince(start);
      assert.equal(events.length, 40);
      assert.deepEqual(
        events.map((e) => e.sequence),
        Array.from({ length: 40 }, (_, i) => start + i + 1),
      );
      assert.deepEqual(new Set(events.map((e) => e.subject.id)), new Set(results.map((r) => r.body.id)));
    });

    it('numbers each directory on its own, lifecycle events included', async () => {
      const other = await server.createDirectory();
      await other.request('POST', '/Users', { userName: 'elsewhere@example.com' });
      const events = await server.store.readEvents(other.id, 0, 100);
      assert.deepEqual(
        events.map((e) => [e.sequence, e.type]),
        [
          [1, 'secret.first_used'],
          [2, 'directory.connected'],
          [3, 'user.created'],
        ],
      );
    });
  });
}
