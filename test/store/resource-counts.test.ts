import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomId } from '../../src/auth/secret-format.js';
import { importResources } from '../../src/cli/import-command.js';
import { BACKENDS, createTestDatabase } from '../support/databases.js';
import { querySql, runSql } from '../support/raw-sql.js';
import { assertStatus, BULK_REQUEST_SCHEMA, GROUP_SCHEMA, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * The directory's stored counts of users and groups (migration 19), which unfiltered list pages
 * and root searches answer totalResults from: after every step of a random run of creates, deletes, bulk requests,
 * imports, concurrent creates and directory deletions, each directory's stored counts must equal
 * COUNT(*) of its rows, and every kind of page must report that total.
 */

const STEPS = 30;
const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const TYPES = ['User', 'Group'] as const;
type Type = (typeof TYPES)[number];

/** A small seeded generator, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Live {
  dir: TestDirectory;
  ids: Record<Type, Set<string>>;
}

const path = (type: Type) => (type === 'User' ? '/Users' : '/Groups');

async function storedCounts(url: string, directoryId: string): Promise<Record<Type, number> | undefined> {
  const [row] = await querySql<{ user_count: number | string; group_count: number | string }>(url, 'SELECT user_count, group_count FROM directories WHERE id = $1', [directoryId]);
  return row && { User: Number(row.user_count), Group: Number(row.group_count) };
}

/** Every directory's stored counts beside COUNT(*) of its rows, in one statement (one snapshot). */
async function countsBesideRows(url: string): Promise<Map<string, { stored: Record<Type, number>; rows: Record<Type, number> }>> {
  const rows = await querySql<Record<'id' | 'user_count' | 'group_count' | 'users' | 'groups', string | number>>(
    url,
    `SELECT d.id, d.user_count, d.group_count,
       (SELECT COUNT(*) FROM resources r WHERE r.directory_id = d.id AND r.type = 'User') AS users,
       (SELECT COUNT(*) FROM resources r WHERE r.directory_id = d.id AND r.type = 'Group') AS groups
     FROM directories d`,
  );
  return new Map(
    rows.map((r) => [String(r.id), { stored: { User: Number(r.user_count), Group: Number(r.group_count) }, rows: { User: Number(r.users), Group: Number(r.groups) } }]),
  );
}

async function countedRows(url: string, directoryId: string): Promise<Record<Type, number>> {
  const rows = await querySql<{ type: Type; n: number | string }>(url, 'SELECT type, COUNT(*) AS n FROM resources WHERE directory_id = $1 GROUP BY type', [directoryId]);
  const counts = { User: 0, Group: 0 };
  for (const row of rows) counts[row.type] = Number(row.n);
  return counts;
}

for (const backend of BACKENDS) {
  describe(`Stored user and group counts (${backend})`, () => {
    let server: TestServer;
    const seed = Number(process.env.SCIMD_TEST_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const live: Live[] = [];
    let serial = 0;
    const changed: Record<Type, number> = { User: 0, Group: 0 };

    before(async () => {
      server = await startTestServer(backend, { bulkMaxOperations: 20, activityFlushMs: 0 });
      for (let i = 0; i < 2; i++) live.push({ dir: await server.createDirectory(), ids: { User: new Set(), Group: new Set() } });
    });
    after(() => server.close());

    const newUser = () => ({ schemas: [USER_SCHEMA], userName: `u${++serial}-${pick(['a', 'b'])}@example.com` });
    /** A taken userName now and then, so some creates fail and must not count. */
    const someUser = (d: Live) => (d.ids.User.size && next() < 0.2 ? { schemas: [USER_SCHEMA], userName: 'u1-a@example.com' } : newUser());
    const newGroup = (d: Live) => {
      const members = [...d.ids.User].slice(0, Math.floor(next() * 3)).map((value) => ({ value }));
      return { schemas: [GROUP_SCHEMA], displayName: `g${++serial}`, ...(members.length ? { members } : {}) };
    };
    const somebody = (d: Live, type: Type) => (d.ids[type].size && next() < 0.85 ? pick([...d.ids[type]]) : randomId('missing'));

    const create = async (d: Live, type: Type) => {
      const response = await d.dir.request('POST', path(type), type === 'User' ? someUser(d) : newGroup(d));
      // 400: a member named was deleted by a concurrent step.
      assert.ok([201, 409, 400].includes(response.status), `POST ${path(type)}: ${response.status} ${response.text.slice(0, 200)}`);
      if (response.status === 201) d.ids[type].add(response.body.id);
    };
    const remove = async (d: Live, type: Type) => {
      const id = somebody(d, type);
      const response = await d.dir.request('DELETE', `${path(type)}/${id}`);
      assert.ok([204, 404].includes(response.status), `DELETE ${path(type)}: ${response.status} ${response.text.slice(0, 200)}`);
      d.ids[type].delete(id);
    };

    const steps: Record<string, (d: Live) => Promise<void>> = {
      'create a user': (d) => create(d, 'User'),
      'create a group': (d) => create(d, 'Group'),
      'delete a user': (d) => remove(d, 'User'),
      'delete a group': (d) => remove(d, 'Group'),
      'concurrent creates and deletes': async (d) => {
        const work = [...Array.from({ length: 6 }, () => create(d, 'User')), create(d, 'Group'), remove(d, 'User'), remove(d, 'Group')];
        await Promise.all(work);
      },
      bulk: async (d) => {
        const operations = Array.from({ length: 1 + Math.floor(next() * 8) }, () => {
          const type = pick(TYPES);
          return next() < 0.6
            ? { method: 'POST', path: path(type), bulkId: `b${++serial}`, data: type === 'User' ? someUser(d) : newGroup(d) }
            : { method: 'DELETE', path: `${path(type)}/${somebody(d, type)}` };
        });
        const response = await d.dir.request('POST', '/Bulk', { schemas: [BULK_REQUEST_SCHEMA], Operations: operations });
        assertStatus(response, 200);
        response.body.Operations.forEach((result: { status: string; location?: string }, i: number) => {
          const op = operations[i];
          const type: Type = op.path.startsWith('/Users') ? 'User' : 'Group';
          if (op.method === 'POST' && result.status === '201') d.ids[type].add(result.location!.slice(result.location!.lastIndexOf('/') + 1));
          if (op.method === 'DELETE') d.ids[type].delete(op.path.slice(op.path.lastIndexOf('/') + 1));
        });
      },
      import: async (d) => {
        // Some lines repeat a taken id or name: skipped, and not counted.
        const taken = [...d.ids.User][0];
        const lines = [
          ...Array.from({ length: 1 + Math.floor(next() * 6) }, () => JSON.stringify({ ...newUser(), id: randomId('imp') })),
          ...(taken ? [JSON.stringify({ ...newUser(), id: taken })] : []),
          JSON.stringify({ schemas: [GROUP_SCHEMA], id: randomId('impg'), displayName: `ig${++serial}` }),
        ];
        async function* read() {
          yield* lines;
        }
        await importResources(server.store, d.dir.id, read(), { batch: 3 });
        for (const line of lines) {
          const parsed = JSON.parse(line) as { id: string; userName?: string };
          d.ids[parsed.userName ? 'User' : 'Group'].add(parsed.id);
        }
      },
      'delete the directory': async (d) => {
        await server.store.administer((tx) => tx.deleteDirectory(d.dir.id));
        assert.equal(await storedCounts(server.databaseUrl, d.dir.id), undefined);
        live.splice(live.indexOf(d), 1, { dir: await server.createDirectory(), ids: { User: new Set(), Group: new Set() } });
      },
    };
    const weights: [string, number][] = [
      ['create a user', 4],
      ['create a group', 2],
      ['delete a user', 2],
      ['delete a group', 1],
      ['concurrent creates and deletes', 2],
      ['bulk', 2],
      ['import', 2],
      ['delete the directory', 1],
    ];
    const chooseStep = () => {
      let at = next() * weights.reduce((sum, [, w]) => sum + w, 0);
      for (const [name, w] of weights) if ((at -= w) < 0) return name;
      return weights[0][0];
    };

    /** Stored counts = COUNT(*) = totalResults of an index page, a first cursor page and a filtered page. */
    const check = async (label: string) => {
      const counts = await countsBesideRows(server.databaseUrl);
      for (const [id, { stored, rows }] of counts) assert.deepEqual(stored, rows, `${label}: stored counts against COUNT(*) in ${id}`);
      for (const d of live) {
        const rows = counts.get(d.dir.id)!.rows;
        for (const type of TYPES) {
          const filter = q(type === 'User' ? 'userName pr' : 'displayName pr');
          for (const query of ['startIndex=2&count=1', 'cursor&count=1', 'count=0', `filter=${filter}&count=1`]) {
            const page = await d.dir.request('GET', `${path(type)}?${query}`);
            assertStatus(page, 200);
            assert.equal(page.body.totalResults, rows[type], `${label}: totalResults of ${path(type)}?${query}`);
          }
        }
        // The root search's total: from the page when it ends, else from the stored counts.
        for (const page of [{ count: 0 }, { startIndex: 2, count: 1 }]) {
          const search = await d.dir.request('POST', '/.search', { schemas: [SEARCH_REQUEST_SCHEMA], ...page });
          assertStatus(search, 200);
          assert.equal(search.body.totalResults, rows.User + rows.Group, `${label}: totalResults of the root search ${JSON.stringify(page)}`);
        }
      }
    };

    it(`keeps the counts equal to the rows through ${STEPS} random steps (seed ${seed}; SCIMD_TEST_SEED repeats it)`, async () => {
      await check('start');
      const done: string[] = [];
      for (let step = 0; step < STEPS; step++) {
        const name = chooseStep();
        const d = pick(live);
        const before = await countedRows(server.databaseUrl, d.dir.id);
        await steps[name](d);
        if (name !== 'delete the directory') {
          const now = await countedRows(server.databaseUrl, d.dir.id);
          for (const type of TYPES) changed[type] += Math.abs(now[type] - before[type]);
        }
        done.push(name);
        await check(`step ${step + 1} (${done.slice(-3).join(' → ')})`);
      }
      // The run did change the counts both ways, so the check above compared moving numbers.
      assert.ok(changed.User > 5 && changed.Group > 1, `the steps changed too little: ${JSON.stringify(changed)}`);
    });
  });

  describe(`The root search's unfiltered total (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend, { activityFlushMs: 0 });
    });
    after(() => server.close());

    it('is read from the stored counts, not counted; a filtered total is counted', async () => {
      const dir = await server.createDirectory();
      for (const userName of ['ada', 'grace', 'edsger']) assertStatus(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName }), 201);
      assertStatus(await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff' }), 201);
      const total = async (body: object) => {
        const response = await dir.request('POST', '/.search', { schemas: [SEARCH_REQUEST_SCHEMA], ...body });
        assertStatus(response, 200);
        return response.body.totalResults as number;
      };
      assert.equal(await total({ count: 0 }), 4);
      // Stored counts that disagree with the rows show which the total was read from.
      await runSql(server.databaseUrl, 'UPDATE directories SET user_count = user_count + 100, group_count = group_count + 10 WHERE id = $1', [dir.id]);
      try {
        assert.equal(await total({ count: 0 }), 114, 'count=0: the stored counts');
        assert.equal(await total({ startIndex: 2, count: 1 }), 114, 'a page that does not end: the stored counts');
        assert.equal(await total({ count: 10 }), 4, 'a page that ends tells its total without reading either');
        assert.equal(await total({ filter: 'userName pr', count: 0 }), 3, 'a filtered total is counted');
      } finally {
        await runSql(server.databaseUrl, 'UPDATE directories SET user_count = user_count - 100, group_count = group_count - 10 WHERE id = $1', [dir.id]);
      }
    });
  });

  describe(`migration 19 counts the rows already there (${backend})`, () => {
    it('fills user_count and group_count of every directory from its resources', async () => {
      const database = await createTestDatabase(backend);
      try {
        const store = await database.open();
        const now = new Date().toISOString();
        const directories = ['a', 'b', 'c'].map((name) => ({ id: randomId('dir'), name, created: now }));
        for (const directory of directories) await store.createDirectory(directory);
        const users = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, data: { schemas: [USER_SCHEMA], userName: `${prefix}${i}@example.com` } }));
        await store.insertResources(directories[0].id, 'User', users(7, 'a'), { now });
        await store.insertResources(directories[0].id, 'Group', [{ id: 'g1', data: { schemas: [GROUP_SCHEMA], displayName: 'G' }, members: [{ value: 'a1' }] }], { now });
        await store.insertResources(directories[1].id, 'User', users(3, 'b'), { now });
        await store.close();
        // As a database before migration 19: no count columns.
        await runSql(database.url, 'ALTER TABLE directories DROP COLUMN user_count');
        await runSql(database.url, 'ALTER TABLE directories DROP COLUMN group_count');
        await runSql(database.url, 'DELETE FROM schema_migrations WHERE version = 19');
        const reopened = await database.open();
        await reopened.close();
        const expected = [
          { User: 7, Group: 1 },
          { User: 3, Group: 0 },
          { User: 0, Group: 0 },
        ];
        for (const [i, directory] of directories.entries()) assert.deepEqual(await storedCounts(database.url, directory.id), expected[i], directory.name);
      } finally {
        await database.drop();
      }
    });
  });
}
