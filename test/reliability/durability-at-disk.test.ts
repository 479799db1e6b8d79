import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { BACKENDS, createTestDatabase, type Backend, type TestDatabase } from '../support/databases.js';
import { CLI } from '../support/scimd-process.js';
import { assertStraceWorks, startTracedServer, type TracedCall } from '../support/strace.js';
import { postgresVerdict, sqliteVerdict, type Verdict } from './support/durability-trace.js';

/**
 * "An acknowledged write is on disk" shown at the system calls of a real `scimd serve`: strace
 * records the WAL writes, the syncs and the answers, and every acknowledged write must have had a
 * sync of its transaction finish before the first byte of its answer (SQLite), or PostgreSQL's
 * confirmation of its COMMIT (PostgreSQL). A kill -9 test cannot see a missing fsync; this can.
 */
const WORKERS = 6;
const CREATES_PER_WORKER = 3;
const SYSCALLS = ['read', 'write', 'writev', 'sendto', 'pwrite64', 'fdatasync', 'fsync'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const FAULTY_SERVER = fileURLToPath(new URL('./support/faulty-server.js', import.meta.url));

interface Suite {
  title: string;
  /** The server's argv after `node`, given the database. */
  server: (database: string) => string[];
  /** PATCHes per worker after its creates. */
  patches: number;
  /** For a fault demonstration: the problem every acknowledged create must show. */
  expectProblem?: RegExp;
}

function durabilitySuite(backend: Backend, suite: Suite): void {
  describe(suite.title, () => {
    let database: TestDatabase;
    let secret: string;
    let traceDir: string;

    before(async () => {
      assertStraceWorks();
      database = await createTestDatabase(backend);
      const store = await database.open();
      const directory = await store.createDirectory({ id: `dir_durable_${backend}`, name: 'durable', created: new Date().toISOString() });
      secret = (await createSecret(store, { directoryId: directory.id, scope: 'scim', name: 'durable', lifetimeMs: 86_400_000, now: new Date() })).secret;
      await store.close();
      traceDir = mkdtempSync(join(tmpdir(), 'scimd-strace-'));
    });
    after(async () => {
      await database?.drop();
      if (traceDir) rmSync(traceDir, { recursive: true, force: true });
    });

    const title = suite.expectProblem
      ? 'the trace shows writes acknowledged without proof of durability'
      : 'shows, in the system calls, a sync of each acknowledged write finishing before its answer';
    it(title, async () => {
      const traced = await startTracedServer(suite.server(database.url), { SCIMD_NO_SCHEDULER: '1' }, join(traceDir, 'trace.txt'), SYSCALLS);
      const acknowledged: string[] = [];
      const call = async (method: string, path: string, body: unknown) => {
        const response = await fetch(`${traced.server.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify(body),
        });
        const json = (await response.json()) as { id: string };
        assert.ok(response.status === 200 || response.status === 201, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
        return json;
      };
      let calls: TracedCall[];
      try {
        await Promise.all(
          Array.from({ length: WORKERS }, async (_, worker) => {
            const ids: string[] = [];
            for (let n = 0; n < CREATES_PER_WORKER; n++) {
              const marker = `durable-user-${worker}-${n}-${randomBytes(4).toString('hex')}`;
              ids.push((await call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: marker })).id);
              acknowledged.push(marker);
            }
            for (let n = 0; n < suite.patches; n++) {
              const marker = `durable-patch-${worker}-${n}-${randomBytes(4).toString('hex')}`;
              await call('PATCH', `/Users/${ids[n]}`, {
                schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                Operations: [{ op: 'replace', path: 'displayName', value: marker }],
              });
              acknowledged.push(marker);
            }
          }),
        );
      } finally {
        calls = await traced.stop();
      }
      assert.equal(acknowledged.length, WORKERS * (CREATES_PER_WORKER + suite.patches));

      const walPath = backend === 'sqlite' ? join(realpathSync(dirname(database.url)), 'scimd.db-wal') : '';
      const verdicts: Verdict[] = acknowledged.map((marker) => (backend === 'sqlite' ? sqliteVerdict(calls, walPath, marker) : postgresVerdict(calls, marker)));
      const failures = verdicts.filter((v): v is Extract<Verdict, { ok: false }> => !v.ok);
      const proven = verdicts.filter((v): v is Extract<Verdict, { ok: true }> => v.ok);
      const syncs = calls.filter((c) => c.name === 'fdatasync' && c.target === walPath).length;
      console.log(
        `durability at the disk (${backend}): ${acknowledged.length} acknowledged writes, ${proven.length} proven; ` +
          (backend === 'sqlite' ? `${syncs} fdatasyncs of the WAL; sync ${median(proven.map((v) => v.syncMicros))} µs median, ` : `commit round trip ${median(proven.map((v) => v.syncMicros))} µs median, `) +
          `sync end → answer ${median(proven.map((v) => v.syncToAnswerMicros))} µs median; ${calls.length} system calls traced`,
      );
      if (suite.expectProblem) {
        assert.equal(failures.length, acknowledged.length, 'no acknowledged write of the faulty server has a proof');
        for (const failure of failures) assert.match(failure.problem, suite.expectProblem, failure.marker);
        return;
      }
      assert.deepEqual(
        failures.map((f) => `${f.marker}: ${f.problem}`),
        [],
        'every acknowledged write has its proof in the trace',
      );
    });
  });
}

for (const backend of BACKENDS) {
  durabilitySuite(backend, {
    title: `durability at the disk: every acknowledged write synced before its answer (${backend}, strace)`,
    server: (database) => [CLI, 'serve', '--port', '0', '--log-level', 'warn', '--db', database, '--no-bootstrap'],
    patches: 2,
  });
}
// The detector's own proof, in CI: the same trace of a server broken in exactly the way it exists to catch.
if (BACKENDS.includes('sqlite')) {
  durabilitySuite('sqlite', {
    title: 'durability at the disk fault demonstration: WAL sync replaced by a no-op (sqlite, strace)',
    server: (database) => [FAULTY_SERVER, database, 'no-wal-sync'],
    patches: 2,
    expectProblem: /acknowledged without a WAL sync between commit and answer/,
  });
}
if (BACKENDS.includes('postgres')) {
  durabilitySuite('postgres', {
    title: 'durability at the disk fault demonstration: creates acknowledged before they are committed (postgres, strace)',
    server: (database) => [FAULTY_SERVER, database, 'ack-before-commit'],
    patches: 0,
    expectProblem: /the write never reached the database/,
  });
}

if (BACKENDS.includes('postgres')) {
  describe("PostgreSQL durability settings on scimd's own connections", () => {
    it('synchronous_commit and fsync are on for the pool scimd serve opens', async () => {
      const database = await createTestDatabase('postgres');
      // Opened exactly as `scimd serve` opens it, and asked through the store's own pool.
      const store = (await openStore(database.url, {
        postgres: { maxConnections: DEFAULT_CONFIG.dbPoolSize, statementTimeoutMs: DEFAULT_CONFIG.dbStatementTimeoutMs },
      })) as SqlStore;
      try {
        // Several connections of the pool at once, each asked inside its own transaction.
        const settings = await Promise.all(
          Array.from({ length: 3 }, () =>
            store.sqlDriver.transaction(async (tx) => ({
              synchronousCommit: (await tx.get<{ synchronous_commit: string }>('SHOW synchronous_commit'))?.synchronous_commit,
              fsync: (await tx.get<{ fsync: string }>('SHOW fsync'))?.fsync,
            })),
          ),
        );
        for (const setting of settings) {
          // 'off' would acknowledge commits before PostgreSQL's WAL is flushed; the other values wait for it.
          assert.ok(['on', 'local', 'remote_write', 'remote_apply'].includes(setting.synchronousCommit ?? ''), `synchronous_commit = ${setting.synchronousCommit}`);
          assert.equal(setting.fsync, 'on');
        }
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
