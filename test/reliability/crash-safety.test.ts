import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import type { Store } from '../../src/store/store.js';
import { fileURLToPath } from 'node:url';
import { BACKENDS, createTestDatabase, type Backend, type TestDatabase } from '../support/databases.js';
import { startScimd, startServerProcess, type ScimdProcess } from '../support/scimd-process.js';

const FAULTY_SERVER = fileURLToPath(new URL('./support/faulty-server.js', import.meta.url));

/** Kills per backend in CI; SCIMD_CRASH_ROUNDS raises it for a long run by hand. */
const ROUNDS = Number(process.env.SCIMD_CRASH_ROUNDS ?? '') || 2;
const WORKERS = 6;

/** A small seeded generator, so the kill moments and write mix replay the same way. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** One write the load made, and whether the server acknowledged it before the kill. */
type Write =
  | { kind: 'user'; userName: string; title: string; acked: boolean; id?: string }
  | { kind: 'group'; displayName: string; members: string[]; acked: boolean; id?: string }
  | { kind: 'add'; groupId: string; members: string[]; acked: boolean };

/**
 * Kills a server under write load `ROUNDS` times, then reads the database back through a real
 * scimd and checks every write. With `expectBug`, the server is a deliberately broken one and the
 * check must fail with that message: the suite's own proof that it can catch a lost write.
 */
function crashSuite(backend: Backend, title: string, start: (database: string) => Promise<ScimdProcess>, expectBug?: RegExp): void {
  describe(title, () => {
    let database: TestDatabase;
    let store: Store;
    let secret: string;
    let directoryId: string;
    let server: ScimdProcess | undefined;
    const random = seeded(backend === 'sqlite' ? 11 : 23);
    const writes: Write[] = [];
    let kills = 0;

    before(async () => {
      database = await createTestDatabase(backend);
      store = await database.open();
      directoryId = (await store.createDirectory({ id: `dir_crash_${backend}`, name: 'crash', created: new Date().toISOString() })).id;
      secret = (await createSecret(store, { directoryId, scope: 'scim', name: 'crash', lifetimeMs: 86_400_000, now: new Date() })).secret;
    });
    after(async () => {
      if (server) await server.stop('SIGKILL');
      await store?.close();
      await database?.drop();
      const acked = writes.filter((w) => w.acked).length;
      console.log(`crash safety (${backend}): ${kills} kills, ${writes.length} writes sent, ${acked} acknowledged and verified`);
    });

    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
    };

    /** Users acknowledged so far: the members later writes may name. */
    const ackedUserIds = () => writes.flatMap((w) => (w.kind === 'user' && w.acked && w.id ? [w.id] : []));
    const ackedGroupIds: string[] = [];

    /** One worker writes until the process dies under it. */
    const worker = async (name: string, stop: { killed: boolean }) => {
      for (let n = 0; !stop.killed; n++) {
        const users = ackedUserIds();
        const choice = random();
        let write: Write;
        try {
          if (choice < 0.5 || users.length < 4) {
            write = { kind: 'user', userName: `${name}-${kills}-${n}@example.com`, title: `title-${n}`, acked: false };
            writes.push(write);
            const response = await call('POST', '/Users', { userName: write.userName, title: write.title, emails: [{ value: write.userName, primary: true }] });
            if (response.status === 201) Object.assign(write, { acked: true, id: response.body.id });
          } else if (choice < 0.75 || ackedGroupIds.length === 0) {
            const members = [users[Math.floor(random() * users.length)], users[Math.floor(random() * users.length)]];
            write = { kind: 'group', displayName: `group-${name}-${kills}-${n}`, members: [...new Set(members)], acked: false };
            writes.push(write);
            const response = await call('POST', '/Groups', { displayName: write.displayName, members: write.members.map((value) => ({ value })) });
            if (response.status === 201) {
              Object.assign(write, { acked: true, id: response.body.id });
              ackedGroupIds.push(response.body.id);
            }
          } else {
            const groupId = ackedGroupIds[Math.floor(random() * ackedGroupIds.length)];
            const members = [...new Set([users[Math.floor(random() * users.length)], users[Math.floor(random() * users.length)]])];
            write = { kind: 'add', groupId, members, acked: false };
            writes.push(write);
            const response = await call('PATCH', `/Groups/${groupId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: members.map((value) => ({ value })) }] });
            if (response.status === 200 || response.status === 204) write.acked = true;
          }
        } catch {
          return; // the connection died with the process: this write stays unacknowledged
        }
      }
    };

    const killAndVerify = async () => {
      for (let round = 0; round < ROUNDS; round++) {
        server = await start(database.url);
        const stop = { killed: false };
        const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(`w${w}`, stop)));
        // Kill at a random moment of the load: after 12 to 32 acknowledged writes, plus 0 to 30 ms,
        // so requests are in flight at every stage (parsing, inside the transaction, replying).
        const ackedBefore = writes.filter((w) => w.acked).length;
        const target = ackedBefore + 12 + Math.floor(random() * 20);
        // A generous bound, for a server that stops acknowledging; a slow machine only takes longer.
        const deadline = Date.now() + 120_000;
        while (writes.filter((w) => w.acked).length < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 30)));
        stop.killed = true;
        await server.stop('SIGKILL');
        kills++;
        await load;
      }

      server = await startScimd(['--db', database.url, '--no-bootstrap']);
      const users = new Map<string, any>();
      for (let start = 1; ; start += 1000) {
        const page = await call('GET', `/Users?count=1000&startIndex=${start}`);
        for (const user of page.body.Resources) users.set(user.userName, user);
        if (page.body.Resources.length < 1000) break;
      }
      const groups = new Map<string, any>();
      for (let start = 1; ; start += 1000) {
        const page = await call('GET', `/Groups?count=1000&startIndex=${start}`);
        for (const group of page.body.Resources) groups.set(group.displayName, group);
        if (page.body.Resources.length < 1000) break;
      }
      const groupsById = new Map([...groups.values()].map((g) => [g.id, g]));
      const membersOf = (group: any) => new Set<string>((group?.members ?? []).map((m: { value: string }) => m.value));

      for (const write of writes) {
        if (write.kind === 'user') {
          const user = users.get(write.userName);
          if (write.acked) assert.ok(user, `acknowledged user ${write.userName} is missing`);
          // Present or not, a user is whole: the attributes of its one request arrived together.
          if (user) {
            assert.equal(user.title, write.title, write.userName);
            assert.deepEqual(user.emails.map((e: { value: string }) => e.value), [write.userName]);
          }
        } else if (write.kind === 'group') {
          const group = groups.get(write.displayName);
          if (write.acked) assert.ok(group, `acknowledged group ${write.displayName} is missing`);
          if (group) for (const member of write.members) assert.ok(membersOf(group).has(member), `group ${write.displayName} exists without member ${member}`);
        } else {
          const present = write.members.filter((m) => membersOf(groupsById.get(write.groupId)).has(m));
          if (write.acked) assert.equal(present.length, write.members.length, `acknowledged member add to ${write.groupId} lost ${write.members.length - present.length}`);
          else {
            // Members are only ever added, so the members this write alone named are all there or none is.
            const named = (w: Write) => (w.kind === 'add' && w.groupId === write.groupId) || (w.kind === 'group' && w.id === write.groupId);
            const onlyHere = write.members.filter((m) => !writes.some((w) => w !== write && named(w) && w.kind !== 'user' && w.members.includes(m)));
            const here = onlyHere.filter((m) => present.includes(m));
            assert.ok(here.length === 0 || here.length === onlyHere.length, `an unacknowledged member add to ${write.groupId} was half applied`);
          }
        }
      }

      // The outbox: contiguous sequence numbers from 1, and an event for every resource that exists.
      const events = await store.readEvents(directoryId, 0, 1_000_000);
      assert.ok(events.length > 0);
      events.forEach((event, i) => assert.equal(event.sequence, i + 1, `event ${i + 1} has sequence ${event.sequence}`));
      const created = new Set(events.filter((e) => e.type === 'user.created' || e.type === 'group.created').map((e) => e.subject.id));
      for (const resource of [...users.values(), ...groups.values()]) assert.ok(created.has(resource.id), `${resource.id} exists without its created event`);
      assert.ok(writes.filter((w) => w.acked).length > 20, 'the load acknowledged enough writes to say something');
    };

    if (expectBug) it('the check fails on a server that acknowledges writes before committing them', () => assert.rejects(killAndVerify(), expectBug));
    else it('keeps every acknowledged write, half-applies none, and leaves the event log without gaps', killAndVerify);
  });
}

for (const backend of BACKENDS) {
  crashSuite(backend, `crash safety: kill -9 under write load (${backend})`, (database) => startScimd(['--db', database, '--no-bootstrap']));
}
crashSuite('sqlite', 'crash safety fault demonstration: acknowledged before committed (sqlite)', (database) => startServerProcess([FAULTY_SERVER, database]), /acknowledged user \S+ is missing/);
