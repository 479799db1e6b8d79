import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { BACKENDS } from '../support/databases.js';
import { assertStatus, GROUP_SCHEMA, patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * On PostgreSQL a PUT, a PATCH (a member add or removal included) and a DELETE are one statement
 * outside a transaction: a PUT or PATCH (and a DELETE with an If-Match naming a version) written
 * only if the row still has the version read before it and, for an add, every member is found; a
 * DELETE without one deletes the row by id. These check that a failed part writes nothing and that a row
 * changed, a member deleted or a membership added while the statement waits is answered as the
 * transaction answered it.
 */
for (const backend of BACKENDS) {
  describe(`one-statement writes and their failures (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const createUser = async (userName: string): Promise<string> => {
      const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName });
      assertStatus(created, 201);
      return created.body.id;
    };
    const groupState = async (id: string) => {
      const group = await dir.request('GET', `/Groups/${id}`);
      assertStatus(group, 200);
      return { version: group.body.meta.version as string, members: ((group.body.members ?? []) as { value: string }[]).map((m) => m.value).sort() };
    };
    const summary = (events: Awaited<ReturnType<typeof server.store.readEvents>>, start: number) =>
      events.map((e) => [e.sequence - start, e.type, e.subject.id, e.subject.version, (e.data.member as { value?: string } | undefined)?.value ?? null]);

    it('an add naming one missing member writes nothing: no membership, no version, no event', async () => {
      const [kept, other] = [await createUser('kept@example.com'), await createUser('other@example.com')];
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'partial', members: [{ value: kept }] });
      assertStatus(group, 201);
      const before = await groupState(group.body.id);
      const sequence = await server.store.lastSequence(dir.id);
      const answer = await dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: other }, { value: 'no-such-user' }] }));
      assertStatus(answer, 400);
      assert.equal(answer.body.scimType, 'invalidValue');
      assert.match(answer.body.detail, /no-such-user/);
      assert.deepEqual(await groupState(group.body.id), before, 'the member that was found is not added');
      assert.equal(await server.store.lastSequence(dir.id), sequence, 'no event');
    });

    it('an add naming a member with the wrong type writes nothing', async () => {
      const [user, inner] = [await createUser('typed@example.com'), await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'inner' })];
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'typed' });
      const before = await groupState(group.body.id);
      const sequence = await server.store.lastSequence(dir.id);
      const answer = await dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user }, { value: inner.body.id, type: 'User' }] }));
      assertStatus(answer, 400);
      assert.match(answer.body.detail, /is a Group, not a User/);
      assert.deepEqual(await groupState(group.body.id), before);
      assert.equal(await server.store.lastSequence(dir.id), sequence);
    });

    it('a PATCH that breaks uniqueness writes nothing, members and document alike', async () => {
      await createUser('taken@example.com');
      const user = await createUser('mover@example.com');
      const sequence = await server.store.lastSequence(dir.id);
      const answer = await dir.request('PATCH', `/Users/${user}`, patchOp({ op: 'replace', path: 'displayName', value: 'Moved' }, { op: 'replace', path: 'userName', value: 'taken@example.com' }));
      assertStatus(answer, 409);
      assert.equal(answer.body.scimType, 'uniqueness');
      const after = await dir.request('GET', `/Users/${user}`);
      assert.equal(after.body.meta.version, 'W/"1"');
      assert.equal(after.body.displayName, undefined);
      assert.equal(await server.store.lastSequence(dir.id), sequence);
    });

    it('an add and a removal each answer with the events of the members that moved, in the order named', async () => {
      const users = [await createUser('m1@example.com'), await createUser('m2@example.com'), await createUser('m3@example.com')];
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'ordered', members: [{ value: users[1] }] });
      const start = await server.store.lastSequence(dir.id);
      assertStatus(await dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: users[2] }, { value: users[1] }, { value: users[0] }] })), 204);
      assertStatus(await dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${users[0]}"]` }, { op: 'remove', path: `members[value eq "${users[2]}"]` })), 204);
      const events = await server.store.readEvents(dir.id, start, 10);
      assert.deepEqual(
        events.map((e) => [e.sequence - start, e.type, (e.data.member as { value: string }).value, e.subject.version]),
        [
          [1, 'group.member_added', users[2], 2],
          [2, 'group.member_added', users[0], 2],
          [3, 'group.member_removed', users[0], 3],
          [4, 'group.member_removed', users[2], 3],
        ],
      );
      assert.deepEqual((await groupState(group.body.id)).members, [users[1]]);
    });

    it('deleting a user moves the version of each of its groups and gives each an event', async () => {
      const user = await createUser('leaver@example.com');
      const groups = await Promise.all(['g1', 'g2'].map((displayName) => dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: [{ value: user }] })));
      const stored = (await server.store.getResource(dir.id, 'User', user, false))!;
      const start = await server.store.lastSequence(dir.id);
      assertStatus(await dir.request('DELETE', `/Users/${user}`), 204);
      const events = await server.store.readEvents(dir.id, start, 10);
      assert.deepEqual(events.map((e) => e.sequence - start), [1, 2, 3]);
      assert.equal(events[0].type, 'user.deleted');
      // PostgreSQL makes this event in SQL, SQLite with resourceEvent: the same on both.
      assert.deepEqual(events[0].subject, { type: 'User', id: user, version: 1 });
      assert.deepEqual(events[0].data, { attributes: stored.data, display: 'leaver@example.com' });
      assert.deepEqual(
        events.slice(1).map((e) => [e.type, e.subject.id, e.subject.version, e.data.display]).sort(),
        groups.map((g) => ['group.member_removed', g.body.id, 2, g.body.displayName]).sort(),
      );
      for (const g of groups) assert.deepEqual(await groupState(g.body.id), { version: 'W/"2"', members: [] });
    });

    it('deleting a group logs group.deleted with its attributes; a group deleted through /Users is 404 and stays', async () => {
      const user = await createUser('in-parent@example.com');
      const child = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Child', members: [{ value: user }] });
      assertStatus(child, 201);
      const parent = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Parent', members: [{ value: child.body.id }] });
      assertStatus(parent, 201);
      const stored = (await server.store.getResource(dir.id, 'Group', child.body.id, false))!;
      const start = await server.store.lastSequence(dir.id);
      assertStatus(await dir.request('DELETE', `/Users/${child.body.id}`), 404);
      assert.equal(await server.store.lastSequence(dir.id), start, 'no event');
      assertStatus(await dir.request('GET', `/Groups/${child.body.id}`), 200);
      assertStatus(await dir.request('DELETE', `/Groups/${child.body.id}`), 204);
      const events = await server.store.readEvents(dir.id, start, 10);
      assert.deepEqual(summary(events, start), [
        [1, 'group.deleted', child.body.id, 1, null],
        [2, 'group.member_removed', parent.body.id, 2, child.body.id],
      ]);
      assert.deepEqual(events[0].data, { attributes: stored.data, display: 'Child' });
      assert.deepEqual(await groupState(parent.body.id), { version: 'W/"2"', members: [] });
      assertStatus(await dir.request('GET', `/Users/${user}`), 200);
    });

    if (backend !== 'postgres') return;

    /**
     * A second connection that holds a row lock while a request waits on it. `waiting` returns
     * once a statement waits for a lock: any, or one whose text contains `statement`.
     */
    const withBlocker = async (work: (client: pg.Client, waiting: (statement?: string) => Promise<void>) => Promise<void>) => {
      const client = new pg.Client({ connectionString: server.databaseUrl });
      await client.connect();
      const waiting = async (statement = '') => {
        for (let i = 0; i < 500; i++) {
          // Inside the blocker's transaction pg_stat_activity is read once and kept; this reads it again.
          await client.query('SELECT pg_stat_clear_snapshot()');
          const { rows } = await client.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND strpos(query, $1) > 0",
            [statement],
          );
          if (rows[0].n > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error('the request never waited for the lock');
      };
      try {
        await work(client, waiting);
      } finally {
        await client.end();
      }
    };

    it('a member deleted while the add waits for it is refused with 400 naming it, and nothing is written', async () => {
      const [stays, leaves] = [await createUser('stays@example.com'), await createUser('leaves@example.com')];
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'raced' });
      const before = await groupState(group.body.id);
      await withBlocker(async (client, waiting) => {
        await client.query('BEGIN');
        // As a deletion of the user holds its row (lockResource's FOR UPDATE) until it commits.
        await client.query('DELETE FROM resources WHERE directory_id = $1 AND id = $2', [dir.id, leaves]);
        const answer = dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: stays }, { value: leaves }] }));
        await waiting();
        await client.query('COMMIT');
        const refused = await answer;
        assertStatus(refused, 400);
        assert.equal(refused.body.scimType, 'invalidValue');
        assert.ok(refused.body.detail.includes(leaves), refused.body.detail);
      });
      assert.deepEqual(await groupState(group.body.id), before, 'the member still there is not added either');
    });

    it('a row changed while the write waits for its lock is written again from the new version, losing nothing', async () => {
      const user = await createUser('changing@example.com');
      await withBlocker(async (client, waiting) => {
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM resources WHERE directory_id = $1 AND id = $2 FOR UPDATE', [dir.id, user]);
        const answer = dir.request('PATCH', `/Users/${user}`, patchOp({ op: 'replace', path: 'displayName', value: 'From the PATCH' }));
        await waiting();
        // Another writer's change, committed after the PATCH read version 1 and before it locks the row.
        await client.query(`UPDATE resources SET data = jsonb_set(data, '{title}', '"From elsewhere"'), version = version + 1 WHERE directory_id = $1 AND id = $2`, [dir.id, user]);
        await client.query('COMMIT');
        const patched = await answer;
        assertStatus(patched, 200);
        assert.equal(patched.body.meta.version, 'W/"3"');
      });
      const after = await dir.request('GET', `/Users/${user}`);
      assert.equal(after.body.title, 'From elsewhere', 'the other change survives');
      assert.equal(after.body.displayName, 'From the PATCH');
      assert.equal(after.body.meta.version, 'W/"3"');
    });

    /** The directory's stored counts, and the rows they count. */
    const counts = async (client: pg.Client) => {
      const { rows } = await client.query(
        `SELECT d.user_count::int AS users, d.group_count::int AS groups,
           (SELECT count(*)::int FROM resources r WHERE r.directory_id = d.id AND r.type = 'User') AS user_rows,
           (SELECT count(*)::int FROM resources r WHERE r.directory_id = d.id AND r.type = 'Group') AS group_rows
         FROM directories d WHERE d.id = $1`,
        [dir.id],
      );
      return rows[0] as { users: number; groups: number; user_rows: number; group_rows: number };
    };
    const membershipsOf = async (client: pg.Client, groupId: string): Promise<number> => {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM memberships m JOIN resources g ON g.pk = m.group_pk WHERE g.directory_id = $1 AND g.id = $2', [dir.id, groupId]);
      return rows[0].n;
    };

    it('a member add that commits while the deletion waits for the member moves the group and gives it its event', async () => {
      const user = await createUser('joins-then-leaves@example.com');
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'joined meanwhile' });
      assertStatus(group, 201);
      const start = await server.store.lastSequence(dir.id);
      await withBlocker(async (client, waiting) => {
        const before = await counts(client);
        await client.query('BEGIN');
        // Holds the member add between its insert (the user's row key-share locked, the
        // membership not yet committed) and its commit: it waits here to number its events.
        await client.query('SELECT 1 FROM directories WHERE id = $1 FOR NO KEY UPDATE', [dir.id]);
        const added = dir.request('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user }] }));
        await waiting('INSERT INTO memberships');
        // The deletion reads the user (in no group yet), and its statement waits for the add's
        // lock on the user's row: its snapshot is from before the add commits.
        const deleted = dir.request('DELETE', `/Users/${user}`);
        await waiting('deleted AS (DELETE');
        await client.query('COMMIT');
        assertStatus(await added, 204);
        assertStatus(await deleted, 204);
        assert.equal(await membershipsOf(client, group.body.id), 0, 'the membership went with the user');
        const after = await counts(client);
        assert.deepEqual(after, { users: before.users - 1, groups: before.groups, user_rows: before.user_rows - 1, group_rows: before.group_rows });
      });
      assert.deepEqual(summary(await server.store.readEvents(dir.id, start, 10), start), [
        [1, 'group.member_added', group.body.id, 2, user],
        [2, 'user.deleted', user, 1, null],
        [3, 'group.member_removed', group.body.id, 3, user],
      ]);
      assert.deepEqual(await groupState(group.body.id), { version: 'W/"3"', members: [] });
    });

    it('a user changed while the deletion waits for its row is deleted at its new version, with its groups\' events', async () => {
      const user = await createUser('changed-before-delete@example.com');
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'loses the changed', members: [{ value: user }] });
      assertStatus(group, 201);
      const start = await server.store.lastSequence(dir.id);
      await withBlocker(async (client, waiting) => {
        const before = await counts(client);
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM resources WHERE directory_id = $1 AND id = $2 FOR UPDATE', [dir.id, user]);
        const deleted = dir.request('DELETE', `/Users/${user}`);
        await waiting('deleted AS (DELETE');
        // Another writer's change, committed while the deletion waits for the row.
        await client.query(`UPDATE resources SET data = jsonb_set(data, '{title}', '"From elsewhere"'), version = version + 1 WHERE directory_id = $1 AND id = $2`, [dir.id, user]);
        await client.query('COMMIT');
        assertStatus(await deleted, 204);
        assert.equal(await membershipsOf(client, group.body.id), 0);
        const after = await counts(client);
        assert.deepEqual(after, { users: before.users - 1, groups: before.groups, user_rows: before.user_rows - 1, group_rows: before.group_rows });
      });
      assertStatus(await dir.request('GET', `/Users/${user}`), 404);
      const events = await server.store.readEvents(dir.id, start, 10);
      assert.deepEqual(summary(events, start), [
        [1, 'user.deleted', user, 2, null],
        [2, 'group.member_removed', group.body.id, 2, user],
      ]);
      assert.equal((events[0].data.attributes as { title?: string }).title, 'From elsewhere', 'the event carries the version deleted');
      assert.deepEqual(await groupState(group.body.id), { version: 'W/"2"', members: [] });
    });

    it('an If-Match that held at the deletion\'s read but not once the row is locked is 412, and nothing is deleted', async () => {
      const user = await createUser('guarded@example.com');
      const start = await server.store.lastSequence(dir.id);
      await withBlocker(async (client, waiting) => {
        const before = await counts(client);
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM resources WHERE directory_id = $1 AND id = $2 FOR UPDATE', [dir.id, user]);
        const deleted = dir.request('DELETE', `/Users/${user}`, undefined, { 'if-match': 'W/"1"' });
        await waiting('deleted AS (DELETE');
        await client.query('UPDATE resources SET version = version + 1 WHERE directory_id = $1 AND id = $2', [dir.id, user]);
        await client.query('COMMIT');
        const refused = await deleted;
        assertStatus(refused, 412);
        assert.deepEqual(await counts(client), before);
      });
      const kept = await dir.request('GET', `/Users/${user}`);
      assertStatus(kept, 200);
      assert.equal(kept.body.meta.version, 'W/"2"');
      assert.equal(await server.store.lastSequence(dir.id), start, 'no event');
    });
  });
}
