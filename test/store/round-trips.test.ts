import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, type Backend } from '../support/databases.js';
import { assertStatus, GROUP_SCHEMA, patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * Statements each SCIM request sends to the database, transaction control included (on
 * PostgreSQL, each is a round trip). The counts are exact, so a change that adds a statement to
 * a hot path fails here and has to update the table on purpose; docs/performance.md shows them
 * beside the counts before issue 18 (GET 3, filter 6, page 7, create 9, PATCH 11, member add
 * 10 on SQLite and 9 on PostgreSQL, DELETE 9, on both backends; PUT, counted later, was 8 / 5
 * before its one-statement write). A write's secret check is one of them: data_version on SQLite,
 * a round trip on the listening connection on PostgreSQL (shared by the requests that arrive
 * together, so under load it costs less than one each). A read on a cached secret checks the
 * secret in its own statement instead (SecretProbe; test/http/secret-read-ahead.test.ts): on
 * PostgreSQL it was two round trips side by side, the listener's and the read's; on SQLite the
 * data_version read. On SQLite a write moves data_version, so the next write reads its secret
 * again; the read between them used to do that, and now the write after it does (one statement
 * more on each write below, one fewer on each read).
 */
const EXPECTED: Record<string, Record<Backend, number>> = {
  'GET user by id': { sqlite: 1, postgres: 1 },
  'GET group with its members': { sqlite: 1, postgres: 1 },
  // On PostgreSQL a page, its count and the event sequence are one statement (one snapshot); on
  // SQLite, where a statement is a call, a read transaction around them is cheaper. An unfiltered
  // page reads its total with the sequence from the directory's row (it counted: 6 on SQLite).
  // On SQLite the users' groups are one statement after the page's rows, cheaper than a
  // correlated subquery per row (it was 5 with that subquery); none when the page is empty.
  'filter userName eq': { sqlite: 5, postgres: 1 },
  'first page of 100 users': { sqlite: 5, postgres: 1 },
  'next cursor page of 100 users': { sqlite: 5, postgres: 1 },
  // On PostgreSQL the row, its indexed values, the event and the sequence are one statement.
  'create user': { sqlite: 7, postgres: 2 },
  // The directory's check rides with the resource's read (lockResource). On PostgreSQL a PATCH
  // (a member add included) and a PUT are a read and one statement outside a transaction. A
  // DELETE was 5 (BEGIN, the locking read, one statement, COMMIT), then that read and one
  // statement (3); it needs no read unless an If-Match names a version, so it is the statement.
  'PATCH user': { sqlite: 8, postgres: 3 },
  'PUT user': { sqlite: 8, postgres: 3 },
  'add one member': { sqlite: 10, postgres: 3 },
  'DELETE user': { sqlite: 9, postgres: 2 },
  'DELETE user with If-Match': { sqlite: 9, postgres: 3 },
};

const USERS = 150;

for (const backend of BACKENDS) {
  describe(`Statements per request (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let userIds: string[];
    let groupId: string;

    before(async () => {
      // No timed flush of request activity: it would land in a measurement now and then.
      server = await startTestServer(backend, { activityFlushMs: 0 });
      dir = await server.createDirectory();
      const now = server.clock.now.toISOString();
      const users = Array.from({ length: USERS }, (_, i) => ({ id: `u-${String(i).padStart(4, '0')}`, data: { schemas: [USER_SCHEMA], userName: `user${i}@example.com` } }));
      userIds = await server.store.insertResources(dir.id, 'User', users, { now });
      const group = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff', members: userIds.slice(0, 3).map((value) => ({ value })) });
      assertStatus(group, 201);
      groupId = group.body.id;
      // The first request of a secret and a directory records them once (first use, connected).
      assertStatus(await dir.request('GET', `/Users/${userIds[0]}`), 200);
      // PostgreSQL's secret listener connects on first use, and secrets verified before it listens
      // are verified again once it does: on a busy machine that came between a measurement's
      // warm-up and its request (a GET counted 3). Wait until it listens. (SQLite has no listener,
      // and reading its change token here would change what the next write reads.)
      for (let i = 0; backend === 'postgres' && (await server.store.secretChangeToken()) === undefined; i++) {
        if (i === 250) throw new Error('the secret listener did not start within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    after(() => server.close());

    /**
     * The statements `request` sent, after checking its status. Measured in the steady state of
     * a client: its secret verified by the requests before (on SQLite a write changes
     * data_version, so the write after a write reads the secret again; the GET before each
     * measurement checks it in its own statement and leaves the cache as it was).
     */
    const statementsOf = async (status: number, request: () => Promise<ScimResponse>): Promise<{ statements: number; response: ScimResponse }> => {
      assertStatus(await dir.request('GET', `/Users/${userIds[0]}`), 200);
      const before = (await server.store.stats()).statements;
      const response = await request();
      const statements = (await server.store.stats()).statements - before;
      assertStatus(response, status);
      return { statements, response };
    };

    const measured: Record<string, number> = {};
    const expect = (name: string, statements: number) => {
      measured[name] = statements;
      assert.equal(statements, EXPECTED[name][backend], `${name}: ${statements} statements, expected ${EXPECTED[name][backend]}`);
    };

    it('GET user by id', async () => {
      expect('GET user by id', (await statementsOf(200, () => dir.request('GET', `/Users/${userIds[1]}`))).statements);
    });

    it('GET group with its members', async () => {
      const { statements, response } = await statementsOf(200, () => dir.request('GET', `/Groups/${groupId}`));
      assert.equal(response.body.members.length, 3);
      expect('GET group with its members', statements);
    });

    it('filter userName eq', async () => {
      const { statements, response } = await statementsOf(200, () => dir.request('GET', `/Users?filter=${encodeURIComponent('userName eq "user7@example.com"')}`));
      assert.equal(response.body.totalResults, 1);
      expect('filter userName eq', statements);
    });

    it('first page of 100 users, then the next cursor page', async () => {
      const first = await statementsOf(200, () => dir.request('GET', '/Users?cursor&count=100'));
      assert.equal(first.response.body.totalResults, USERS);
      assert.equal(first.response.body.Resources.length, 100);
      expect('first page of 100 users', first.statements);
      const next = await statementsOf(200, () => dir.request('GET', `/Users?cursor=${first.response.body.nextCursor}&count=100`));
      assert.equal(next.response.body.totalResults, USERS);
      assert.equal(next.response.body.Resources.length, USERS - 100);
      expect('next cursor page of 100 users', next.statements);
    });

    it('create user', async () => {
      expect('create user', (await statementsOf(201, () => dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'fresh@example.com' }))).statements);
    });

    it('PATCH user', async () => {
      const patch = patchOp({ op: 'replace', path: 'displayName', value: 'Changed' });
      expect('PATCH user', (await statementsOf(200, () => dir.request('PATCH', `/Users/${userIds[2]}`, patch))).statements);
    });

    it('PUT user', async () => {
      const put = { schemas: [USER_SCHEMA], userName: 'user3@example.com', displayName: 'Replaced' };
      expect('PUT user', (await statementsOf(200, () => dir.request('PUT', `/Users/${userIds[3]}`, put))).statements);
    });

    it('add one member', async () => {
      const patch = patchOp({ op: 'add', path: 'members', value: [{ value: userIds[10] }] });
      expect('add one member', (await statementsOf(204, () => dir.request('PATCH', `/Groups/${groupId}`, patch))).statements);
    });

    it('DELETE user', async () => {
      expect('DELETE user', (await statementsOf(204, () => dir.request('DELETE', `/Users/${userIds[20]}`))).statements);
    });

    it('DELETE user with If-Match', async () => {
      const deleted = () => dir.request('DELETE', `/Users/${userIds[21]}`, undefined, { 'if-match': 'W/"1"' });
      expect('DELETE user with If-Match', (await statementsOf(204, deleted)).statements);
    });

    after(() => console.log(`# statements per request (${backend}): ${JSON.stringify(measured)}`));
  });
}
