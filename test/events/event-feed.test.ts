import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import type { Store } from '../../src/store/store.js';
import { waitFor } from '../support/wait.js';

const user = (userName: string, extra: object = {}) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true, ...extra });

/** Every read of events the feed makes (directory, `after`, how many it found), so a test can see a long-poll start waiting. */
type FeedRead = { directoryId: string; after: number; found: number };
function recordingEventReads(reads: FeedRead[]): (store: Store) => Store {
  return (store) =>
    new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readEvents') {
          return async (...args: Parameters<Store['readEvents']>) => {
            const events = await target.readEvents(...args);
            reads.push({ directoryId: args[0], after: args[1], found: events.length });
            return events;
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
}

for (const backend of BACKENDS) {
  describe(`event feed (${backend})`, () => {
    let server: TestServer;
    let admin: AdminCall;
    let a: TestDirectory;
    let b: TestDirectory;
    const reads: FeedRead[] = [];
    /** Resolves once a long-poll of the directory after `after` has found nothing and gone to wait. */
    const waiting = (directoryId: string, after: number) =>
      waitFor('the long-poll to wait', () => reads.some((r) => r.directoryId === directoryId && r.after === after && r.found === 0));

    before(async () => {
      server = await startTestServer(backend, {}, recordingEventReads(reads));
      admin = (await adminApi(server)).call;
      a = await server.createDirectory('feed-a');
      b = await server.createDirectory('feed-b');
    });
    after(() => server.close());

    it('numbers each directory’s events 1, 2, 3… in commit order under concurrent writes, and never shows another directory’s', async () => {
      const start = Number((await admin('GET', `/directories/${a.id}/events?limit=1000`)).body.latest);
      const writes = [];
      for (let i = 0; i < 15; i++) {
        writes.push(a.request('POST', '/Users', user(`order-${i}`)));
        writes.push(b.request('POST', '/Users', user(`other-${i}`)));
      }
      const created = await Promise.all(writes);
      for (const response of created) assert.equal(response.status, 201, response.text);
      const ids = created.filter((_, i) => i % 2 === 0).map((r) => r.body.id as string);
      await Promise.all(ids.map((id) => a.request('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })));

      const feed = await admin('GET', `/directories/${a.id}/events?after=${start}&limit=1000`);
      assertOk(feed);
      const all = feed.body.events as { sequence: number; directoryId: string; type: string; subject: { id: string; version: number } }[];
      all.forEach((event, i) => assert.equal(event.sequence, start + i + 1));
      // The first request also announces the directory's connection and its secret's first use.
      const events = all.filter((e) => e.type.startsWith('user.'));
      assert.equal(events.length, 30);
      assert.ok(events.every((e) => e.directoryId === a.id));
      // Each user's creation comes before its deactivation, and versions follow the writes.
      for (const id of ids) {
        const own = events.filter((e) => e.subject.id === id);
        assert.deepEqual(own.map((e) => e.type), ['user.created', 'user.deactivated']);
        assert.deepEqual(own.map((e) => e.subject.version), [1, 2]);
      }
      assert.equal(feed.body.next, start + all.length);
      assert.equal(feed.headers.get('x-scimd-event-sequence'), String(start + all.length));
      const otherIds = new Set(created.filter((_, i) => i % 2 === 1).map((r) => r.body.id));
      assert.ok(events.every((e) => !otherIds.has(e.subject.id)));
    });

    it('pages with after and limit', async () => {
      const all = (await admin('GET', `/directories/${a.id}/events?limit=1000`)).body.events as { sequence: number }[];
      const page = await admin('GET', `/directories/${a.id}/events?after=2&limit=3`);
      assert.deepEqual(page.body.events.map((e: { sequence: number }) => e.sequence), [3, 4, 5]);
      assert.equal(page.body.next, 5);
      const end = await admin('GET', `/directories/${a.id}/events?after=${all.length}`);
      assert.deepEqual(end.body.events, []);
      assert.equal(end.body.next, all.length);
    });

    it('long-polls: returns as soon as an event is written, and empty when the wait ends', async () => {
      const latest = Number((await admin('GET', `/directories/${a.id}/events?after=0&limit=1`)).headers.get('x-scimd-event-sequence'));
      const latestB = Number((await admin('GET', `/directories/${b.id}/events`)).body.latest);
      // A witness: a poll of the quiet directory b with the same 30 s wait, begun first. Had the poll
      // of a answered only when its wait ran out, the witness's wait would have run out before it.
      let witnessDone = false;
      const witness = admin('GET', `/directories/${b.id}/events?after=${latestB}&wait=30`).finally(() => (witnessDone = true));
      await waiting(b.id, latestB);
      const polling = admin('GET', `/directories/${a.id}/events?after=${latest}&wait=30`);
      await waiting(a.id, latest);
      assert.equal((await a.request('POST', '/Users', user('long-poll'))).status, 201);
      const answer = await polling;
      assertOk(answer);
      assert.equal(answer.body.events[0].type, 'user.created');
      assert.equal(answer.body.events[0].sequence, latest + 1);
      assert.equal(witnessDone, false, 'answered before its wait ran out: the witness poll is still waiting');
      assert.equal((await b.request('POST', '/Users', user('long-poll-witness'))).status, 201);
      assert.equal((await witness).body.events[0].sequence, latestB + 1);

      const quiet = Date.now();
      const empty = await admin('GET', `/directories/${a.id}/events?after=${latest + 1}&wait=1`);
      assert.deepEqual(empty.body.events, []);
      assert.ok(Date.now() - quiet >= 900, 'waited about the second it was given');
    });

    it('notices writes made through another process on the same database (polling)', async () => {
      const latest = Number((await admin('GET', `/directories/${b.id}/events`)).body.latest);
      const polling = admin('GET', `/directories/${b.id}/events?after=${latest}&wait=20`);
      await waiting(b.id, latest);
      // Written through the store, not an HTTP request: nothing in this app wakes the long-poll.
      await server.store.recordEvents(b.id, [{ type: 'directory.updated', subject: { type: 'Directory', id: b.id }, data: { note: 'from elsewhere' } }], new Date().toISOString());
      const answer = await polling;
      assert.equal(answer.body.events[0].type, 'directory.updated');
    });

    it('serves RFC 9967 SETs with format=scim-set, leaving out administration events', async () => {
      const latest = Number((await admin('GET', `/directories/${a.id}/events`)).body.latest);
      const created = await a.request('POST', '/Users', user('set-user', { externalId: 'x1' }));
      await admin('POST', `/directories/${a.id}/secrets`, { name: 'second' });
      const page = await admin('GET', `/directories/${a.id}/events?after=${latest}&format=scim-set`);
      assertOk(page);
      assert.equal(page.body.format, 'scim-set');
      assert.equal(page.body.events.length, 1);
      const set = page.body.events[0];
      assert.deepEqual(set.sub_id, { format: 'scim', uri: `/Users/${created.body.id}` });
      assert.equal(set.iss, `${server.origin}/scim/v2`);
      assert.equal(set.events['urn:ietf:params:scim:event:prov:create:full'].data.userName, 'set-user');
      assert.equal(page.body.next, latest + 2, 'next moves past the secret event too');
      const notice = await admin('GET', `/directories/${a.id}/events?after=${latest}&format=scim-set-notice`);
      assert.ok(notice.body.events[0].events['urn:ietf:params:scim:event:prov:create:notice']);
    });

    it('is for admins only: a directory secret or no credential is refused', async () => {
      assertProblem(await admin('GET', `/directories/${a.id}/events`, undefined, a.secret), 403);
      assertProblem(await admin('GET', `/directories/${a.id}/events`, undefined, null), 401);
      assertProblem(await admin('GET', `/directories/${b.id}/events`, undefined, a.secret), 403);
    });

    it('refuses bad parameters with a problem, and an unknown directory with 404', async () => {
      assertProblem(await admin('GET', `/directories/${a.id}/events?after=-1`), 400, 'invalid-input');
      assertProblem(await admin('GET', `/directories/${a.id}/events?limit=0`), 400, 'invalid-input');
      assertProblem(await admin('GET', `/directories/${a.id}/events?wait=600`), 400, 'invalid-input');
      assertProblem(await admin('GET', `/directories/${a.id}/events?format=xml`), 400, 'invalid-input');
      assertProblem(await admin('GET', '/directories/dir_nope/events'), 404, 'not-found');
    });

    it('answers 410 when the events after the asked sequence are no longer kept', async () => {
      const c = await server.createDirectory('feed-purged');
      await c.request('POST', '/Users', user('old-1'));
      await c.request('POST', '/Users', user('old-2'));
      await server.store.purgeEvents(new Date(Date.now() + 60_000).toISOString());
      await c.request('POST', '/Users', user('new-1'));
      assertProblem(await admin('GET', `/directories/${c.id}/events?after=0`), 410, 'events-expired');
      assertProblem(await admin('GET', `/directories/${c.id}/events?after=1&wait=5`), 410, 'events-expired');
      const latest = Number((await c.request('GET', '/Users')).headers.get('x-scimd-event-sequence'));
      const kept = await admin('GET', `/directories/${c.id}/events?after=${latest - 1}`);
      assertOk(kept);
      assert.equal(kept.body.events[0].type, 'user.created');
      assert.equal(kept.body.events[0].sequence, latest);
    });

    it('bootstrap: a listing while writes happen, then the feed from its sequence, gives exactly the database’s state', async () => {
      const d = await server.createDirectory('bootstrap');
      for (let i = 0; i < 10; i++) assert.equal((await d.request('POST', '/Users', user(`boot-${i}`, { title: 't0' }))).status, 201);
      let writing = true;
      let n = 0;
      const writer = (async () => {
        while (writing) {
          const created = await d.request('POST', '/Users', user(`during-${n}`, { title: 'new' }));
          await d.request('PATCH', `/Users/${created.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: `t${n}` }] });
          if (n % 3 === 0) await d.request('DELETE', `/Users/${created.body.id}`);
          n += 1;
        }
      })();
      // Writes before the listing (some kept, one deleted) and after it, counted rather than timed.
      await waitFor('writes before the listing', () => n >= 2);
      const listing = await d.request('GET', '/Users?count=1000');
      const listedAt = n;
      await waitFor('writes after the listing', () => n >= listedAt + 3);
      writing = false;
      await writer;

      const sequence = Number(listing.headers.get('x-scimd-event-sequence'));
      assert.ok(sequence >= 10, `sequence ${sequence}`);
      const state = new Map<string, Record<string, unknown>>();
      for (const resource of listing.body.Resources) state.set(resource.id, { userName: resource.userName, title: resource.title });
      let afterSequence = sequence;
      for (;;) {
        const page = await admin('GET', `/directories/${d.id}/events?after=${afterSequence}&limit=7`);
        if (!page.body.events.length) break;
        for (const event of page.body.events) applyUserEvent(state, event);
        afterSequence = page.body.next;
      }
      const truth = await d.request('GET', '/Users?count=1000');
      const expected = new Map<string, Record<string, unknown>>(truth.body.Resources.map((r: { id: string; userName: string; title?: string }) => [r.id, { userName: r.userName, title: r.title }]));
      assert.deepEqual(new Map([...state].sort()), new Map([...expected].sort()));
      assert.ok(state.size > 10, 'writes happened while listing');
    });
  });
}

/** How a consumer applies user events to its copy: created, changed attributes, deleted. */
function applyUserEvent(state: Map<string, Record<string, unknown>>, event: { type: string; subject: { id: string }; data: any }): void {
  switch (event.type) {
    case 'user.created':
      state.set(event.subject.id, { userName: event.data.attributes.userName, title: event.data.attributes.title });
      break;
    case 'user.updated':
    case 'user.deactivated':
    case 'user.reactivated': {
      const current = state.get(event.subject.id)!;
      assert.ok(current, `an update of ${event.subject.id}, which the consumer knows`);
      for (const name of event.data.changed as string[]) {
        if (name === 'userName' || name === 'title') current[name] = event.data.after[name];
      }
      break;
    }
    case 'user.deleted':
      state.delete(event.subject.id);
      break;
  }
}
