import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, BULK_REQUEST_SCHEMA, GROUP_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * What test/http/auth.test.ts does not cover yet: cursors carried across directories, Bulk
 * bulkId references, the event feed, and inference: another directory's resources must be
 * indistinguishable from resources that do not exist at all.
 */
for (const backend of BACKENDS) {
  describe(`tenant isolation beyond ids and filters (${backend})`, () => {
    let server: TestServer;
    let a: TestDirectory;
    let b: TestDirectory;
    let userA: { id: string; meta: { version: string } };
    let groupA: { id: string };

    before(async () => {
      server = await startTestServer(backend);
      a = await server.createDirectory('isolation-a');
      b = await server.createDirectory('isolation-b');
      for (let i = 0; i < 6; i++) assertStatus(await a.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `a${i}@example.com` }), 201);
      for (let i = 0; i < 6; i++) assertStatus(await b.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `b${i}@example.com` }), 201);
      userA = (await a.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'secret.person@example.com', emails: [{ value: 'secret.person@example.com' }] })).body;
      groupA = (await a.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'A only', members: [{ value: userA.id }] })).body;
    });
    after(() => server.close());

    const idsOf = (response: ScimResponse) => (response.body.Resources ?? []).map((r: { id: string }) => r.id) as string[];

    it("refuses a cursor from directory A's listing in directory B with 400 invalidCursor", async () => {
      const first = await a.request('GET', '/Users?cursor=&count=2');
      assertStatus(first, 200);
      const cursor = first.body.nextCursor as string;
      assert.ok(cursor);
      for (const path of [`/Users?cursor=${encodeURIComponent(cursor)}&count=2`, `/Groups?cursor=${encodeURIComponent(cursor)}&count=2`]) {
        assertScimError(await b.request('GET', path), 400, 'invalidCursor');
      }
      const search = await b.request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], cursor, count: 2 });
      assertScimError(search, 400, 'invalidCursor');
      // A's own cursor still works for A.
      assertStatus(await a.request('GET', `/Users?cursor=${encodeURIComponent(cursor)}&count=2`), 200);
    });

    it("cannot name another directory's resources through bulkId references or Bulk paths", async () => {
      const response = await b.request('POST', '/Bulk', {
        schemas: [BULK_REQUEST_SCHEMA],
        Operations: [
          // A bulkId that happens to equal A's user id is a reference to nothing declared in this request.
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: 'Via bulkId', members: [{ value: `bulkId:${userA.id}` }] } },
          { method: 'PATCH', path: `/Users/bulkId:${userA.id}`, data: patchOp({ op: 'replace', path: 'title', value: 'stolen' }) },
          { method: 'PATCH', path: `/Groups/${groupA.id}`, data: patchOp({ op: 'remove', path: 'members' }) },
          { method: 'POST', path: '/Groups', bulkId: 'h', data: { schemas: [GROUP_SCHEMA], displayName: 'Direct id', members: [{ value: userA.id }] } },
          { method: 'DELETE', path: `/Users/${userA.id}`, version: userA.meta.version },
        ],
      });
      assertStatus(response, 200);
      const results = response.body.Operations.map((op: { status: string }) => Number(op.status));
      assert.ok(results.every((status: number) => status >= 400 && status < 500), `every operation refused: ${results}`);
      const user = await a.request('GET', `/Users/${userA.id}`);
      assert.equal(user.body.meta.version, userA.meta.version, "A's user unchanged");
      assert.deepEqual((await a.request('GET', `/Groups/${groupA.id}`)).body.members.map((m: { value: string }) => m.value), [userA.id]);
      assert.equal((await b.request('GET', `/Groups?filter=${q('displayName sw "Via" or displayName sw "Direct"')}`)).body.totalResults, 0);
    });

    it("answers for another directory's resource exactly as for one that never existed", async () => {
      const missing = '2f1c6a0e-9d4b-4c1e-8a7f-000000000000';
      const probes: [string, string, unknown?][] = [
        ['GET', '/Users/{id}'],
        ['GET', '/Groups/{id}'],
        ['PUT', '/Users/{id}', { schemas: [USER_SCHEMA], userName: 'probe@example.com' }],
        ['PATCH', '/Users/{id}', patchOp({ op: 'replace', path: 'title', value: 'x' })],
        ['DELETE', '/Users/{id}'],
      ];
      for (const [method, path, body] of probes) {
        const foreign = await b.request(method, path.replace('{id}', userA.id), body, { 'if-match': userA.meta.version });
        const absent = await b.request(method, path.replace('{id}', missing), body, { 'if-match': userA.meta.version });
        assert.equal(foreign.status, absent.status, `${method} ${path}`);
        assert.equal(foreign.text.replaceAll(userA.id, '{id}'), absent.text.replaceAll(missing, '{id}'), `${method} ${path}: the bodies differ`);
      }
      // A group member that exists only in A is refused like an id that exists nowhere.
      const foreignMember = await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'probe', members: [{ value: userA.id }] });
      const absentMember = await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'probe', members: [{ value: missing }] });
      assert.equal(foreignMember.status, absentMember.status);
      assert.equal(foreignMember.text.replaceAll(userA.id, '{id}'), absentMember.text.replaceAll(missing, '{id}'));
    });

    it("counts and sorts only the caller's resources, whatever the filter, sort or page", async () => {
      const everything = await b.request('GET', '/Users?count=1000');
      const ownIds = new Set(idsOf(everything));
      for (const query of ['sortBy=userName&sortOrder=descending', 'startIndex=3&count=2', `filter=${q('userName sw "a" or userName sw "s" or userName sw "b"')}`, `filter=${q('emails.value co "secret"')}`, `filter=${q('not (userName eq "nobody")')}`, 'count=0']) {
        const response = await b.request('GET', `/Users?${query}`);
        assertStatus(response, 200);
        assert.ok(idsOf(response).every((id) => ownIds.has(id)), query);
        assert.ok(response.body.totalResults <= ownIds.size, `${query}: totalResults ${response.body.totalResults} counts foreign users`);
      }
      assert.equal((await b.request('GET', `/Users?filter=${q('emails.value co "secret"')}`)).body.totalResults, 0);
    });

    it("gives a directory secret no way into any directory's event feed, its own included", async () => {
      for (const directory of [a.id, b.id]) {
        const response = await server.raw('GET', `${server.origin}/api/v1/directories/${directory}/events`, { headers: { authorization: `Bearer ${b.secret}` } });
        assert.ok(response.status === 401 || response.status === 403, `${response.status} ${response.text.slice(0, 200)}`);
        assert.doesNotMatch(response.text, /secret\.person|user\.created/);
      }
      // The outbox itself is kept per directory: B's events never name A's resources.
      const eventsB = await server.store.readEvents(b.id, 0, 10_000);
      assert.ok(eventsB.length >= 6);
      const foreign = new Set([userA.id, groupA.id]);
      assert.ok(eventsB.every((event) => !foreign.has(event.subject.id) && event.directoryId === b.id));
      // And an admin reading A's feed sees A's events (so the check above is not vacuous).
      const { call } = await adminApi(server);
      const feed = await call('GET', `/directories/${a.id}/events?limit=1000`);
      if (feed.status === 200) assert.ok(feed.body.events.some((event: { subject: { id: string } }) => event.subject.id === userA.id));
    });
  });
}
