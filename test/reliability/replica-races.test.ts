import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startReplica, type Replica } from '../support/replica.js';
import { membersByReadModifyWrite } from './support/faulty-store.js';
import { assertScimError, GROUP_SCHEMA, patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * Races across two replicas with their own connection pools on one PostgreSQL database, for what
 * test/replicas does not cover: If-Match, the active-secret limit, membership adds and removes
 * mixed with user deletes, and renames into one userName.
 */
if (BACKENDS.includes('postgres')) {
  describe('races across two replicas (postgres)', () => {
    let server: TestServer;
    let replica: Replica;
    let dir: TestDirectory;
    let adminSecret: string;
    let races = 0;

    before(async () => {
      server = await startTestServer('postgres');
      replica = await startReplica(server);
      dir = await server.createDirectory('races');
      adminSecret = (await adminApi(server)).secret;
    });
    after(async () => {
      await replica.close();
      await server.close();
      console.log(`replica races: ${races} concurrent requests raced`);
    });

    /** The i-th request of a burst goes to the server or the replica in turn. */
    const origin = (i: number) => (i % 2 ? replica.origin : server.origin);
    const scim = async (i: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, secret = dir.secret): Promise<ScimResponse> => {
      races++;
      return server.raw(method, `${origin(i)}/scim/v2${path}`, {
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    };
    const admin = async (i: number, method: string, path: string, body?: unknown, secret = adminSecret): Promise<ScimResponse> => {
      races++;
      return server.raw(method, `${origin(i)}/api/v1${path}`, {
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    };
    const burst = <T>(n: number, run: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => run(i)));
    const statuses = (responses: ScimResponse[]) => responses.map((r) => r.status).sort((a, b) => a - b);

    it('lets exactly one of ten If-Match writes with the same version win; the others get 412', async () => {
      for (let round = 0; round < 5; round++) {
        const user = (await scim(0, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `etag-${round}@example.com` })).body;
        const version = user.meta.version as string;
        const results = await burst(10, (i) =>
          i === 9
            ? scim(i, 'PUT', `/Users/${user.id}`, { schemas: [USER_SCHEMA], userName: user.userName, title: 'put' }, { 'if-match': version })
            : scim(i, 'PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: `writer-${i}` }), { 'if-match': version }),
        );
        const winners = results.filter((r) => r.status === 200);
        assert.equal(winners.length, 1, `round ${round}: ${statuses(results)}`);
        for (const loser of results.filter((r) => r.status !== 200)) assertScimError(loser, 412);
        const now = (await scim(1, 'GET', `/Users/${user.id}`)).body;
        assert.equal(now.title, winners[0].body.title, 'the stored title is the winner’s');
        assert.equal(now.meta.version, winners[0].body.meta.version);
        assert.notEqual(now.meta.version, version);
      }
    });

    it('lets exactly one of a DELETE and PATCHes with the same If-Match win', async () => {
      for (let round = 0; round < 5; round++) {
        const user = (await scim(0, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `etag-delete-${round}@example.com` })).body;
        const results = await burst(6, (i) =>
          i === 0
            ? scim(i, 'DELETE', `/Users/${user.id}`, undefined, { 'if-match': user.meta.version })
            : scim(i, 'PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'active', value: false }), { 'if-match': user.meta.version }),
        );
        const winners = results.filter((r) => r.status < 300);
        assert.equal(winners.length, 1, `round ${round}: ${statuses(results)}`);
        for (const loser of results.filter((r) => r.status >= 300)) assert.ok(loser.status === 412 || loser.status === 404, `${loser.status} ${loser.text}`);
        const now = await scim(1, 'GET', `/Users/${user.id}`);
        assert.equal(now.status, results[0].status === 204 ? 404 : 200);
      }
    });

    it('never exceeds the active-secret limit when eight secret creations race, through the admin API and self-rotation', async () => {
      const created = await admin(0, 'POST', '/directories', { name: 'rotation-race' });
      assert.equal(created.status, 201, created.text);
      const id = created.body.id as string;
      const first = await admin(1, 'POST', `/directories/${id}/secrets`, { name: 'first' });
      assert.equal(first.status, 201, first.text);
      const countActive = async () => (await server.store.listSecrets(id)).filter((s) => !s.revokedAt).length;
      assert.equal(await countActive(), 1);

      const racing = await burst(8, (i) => admin(i, 'POST', `/directories/${id}/secrets`, { name: `racer-${i}` }));
      assert.deepEqual(statuses(racing), [201, 409, 409, 409, 409, 409, 409, 409]);
      assert.ok(racing.filter((r) => r.status === 409).every((r) => r.body.type === 'urn:scimd:problem:active-secret-limit'));
      assert.equal(await countActive(), 2);

      // Revoke the winner; now eight self-rotations with the first secret race for the one free place.
      const winner = racing.find((r) => r.status === 201)!.body;
      assert.equal((await admin(0, 'DELETE', `/directories/${id}/secrets/${winner.id}`)).status, 200);
      const rotations = await burst(8, (i) => admin(i, 'POST', '/self/secrets', { name: `self-${i}` }, first.body.secret));
      assert.equal(rotations.filter((r) => r.status === 201).length, 1, `${statuses(rotations)} ${rotations.find((r) => r.status !== 201)?.text}`);
      assert.ok(rotations.every((r) => r.status === 201 || r.status === 409), `${statuses(rotations)}`);
      assert.equal(await countActive(), 2);
    });

    it('ends with exactly the expected members when adds, removes and user deletes race on one group', () => contestedGroup(scim));

    it('gives exactly one 200 and one 409 when two users are renamed to one userName at once, ten times', async () => {
      for (let round = 0; round < 10; round++) {
        const pair = await burst(2, async (i) => (await scim(i, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `rename-${round}-${i}@example.com` })).body);
        const results = await burst(2, (i) => scim(i, 'PUT', `/Users/${pair[i].id}`, { schemas: [USER_SCHEMA], userName: `Taken-${round}@Example.com` }));
        assert.deepEqual(statuses(results), [200, 409], `round ${round}`);
        assertScimError(results.find((r) => r.status === 409)!, 409, 'uniqueness');
      }
    });
  });
}

type ScimCall = (i: number, method: string, path: string, body?: unknown) => Promise<ScimResponse>;

/**
 * Adds, removes and user deletes race on one group across the replicas (`scim` alternates them);
 * throws unless the group ends with exactly the members expected.
 */
async function contestedGroup(scim: ScimCall): Promise<void> {
  const burst = <T>(n: number, run: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => run(i)));
  const make = (prefix: string, n: number) => burst(n, async (i) => (await scim(i, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `${prefix}${i}@example.com` })).body.id as string);
  const [kept, removed, deletedMembers, added, deletedWhileAdded] = [await make('kept', 5), await make('removed', 10), await make('gone', 5), await make('added', 10), await make('vanishing', 8)];
  const group = (await scim(0, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'contested', members: [...kept, ...removed, ...deletedMembers].map((value) => ({ value })) })).body;
  const path = `/Groups/${group.id}`;
  const requests: (() => Promise<ScimResponse>)[] = [
    ...removed.map((id, i) => () => scim(i, 'PATCH', path, patchOp({ op: 'remove', path: `members[value eq "${id}"]` }))),
    ...added.map((id, i) => () => scim(i + 1, 'PATCH', path, patchOp({ op: 'add', path: 'members', value: [{ value: id }] }))),
    ...deletedMembers.map((id, i) => () => scim(i, 'DELETE', `/Users/${id}`)),
    ...deletedWhileAdded.flatMap((id, i) => [() => scim(i, 'PATCH', path, patchOp({ op: 'add', path: 'members', value: [{ value: id }] })), () => scim(i + 1, 'DELETE', `/Users/${id}`)]),
  ];
  const results = await Promise.all(requests.map((run) => run()));
  for (const response of results) {
    assert.ok(response.status < 500, `${response.status} ${response.text}`);
    // An add that lost the race to its user's delete is refused as a reference to no user.
    if (response.status >= 400) assertScimError(response, 400);
  }
  const final = (await scim(1, 'GET', path)).body;
  const members = (final.members ?? []).map((m: { value: string }) => m.value).sort();
  assert.deepEqual(members, [...kept, ...added].sort(), 'kept and added members, nothing removed or deleted, no dangling member');
  for (const id of deletedWhileAdded) assert.equal((await scim(0, 'GET', `/Users/${id}`)).status, 404);
}

/**
 * The suite's proof that it catches a lost membership update: both replicas' stores turn a
 * member change into read, wait, write the whole list back (no membership table, no lock), and
 * the contested-group race must then fail.
 */
if (BACKENDS.includes('postgres')) {
  describe('replica race fault demonstration: members written back whole (postgres)', () => {
    let server: TestServer;
    let replica: Replica;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer('postgres', {}, membersByReadModifyWrite);
      replica = await startReplica(server, membersByReadModifyWrite);
      dir = await server.createDirectory('faulty races');
    });
    after(async () => {
      await replica.close();
      await server.close();
    });
    it('the contested-group check fails', async () => {
      const scim: ScimCall = (i, method, path, body) =>
        server.raw(method, `${i % 2 ? replica.origin : server.origin}/scim/v2${path}`, {
          headers: { authorization: `Bearer ${dir.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      // The faulty store loses updates (the member check fails) or, when two of its whole-list
      // writes collide in PostgreSQL, answers 503: either way the race check refuses it.
      await assert.rejects(contestedGroup(scim), /kept and added members|^AssertionError \[ERR_ASSERTION\]: 503 /);
    });
  });
}
