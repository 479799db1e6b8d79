import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd, scimdJson } from '../support/scimd-cli.js';
import { startScimd } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';

/** A loopback port something else already listens on. */
async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

for (const backend of BACKENDS) {
  describe(`scimd serve on a busy port (${backend})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(backend);
    });
    after(() => database.drop());

    it('fails with a --port hint, creates no secret, and the next start shows the first secrets', async () => {
      const busy = await busyPort();
      try {
        const failed = await runScimd(['serve', '--port', String(busy.port), '--db', database.url, '--log-level', 'silent']);
        assert.notEqual(failed.code, 0);
        assert.match(failed.stderr, new RegExp(`Port ${busy.port} .*already in use.*--port`));
        assert.doesNotMatch(failed.stderr, /Client secret|Admin secret/, 'no secret is shown by a start that failed');
      } finally {
        busy.server.close();
      }
      assert.deepEqual(await scimdJson(['directory', 'list', '--db', database.url]), [], 'the failed start created no directory');
      assert.deepEqual(await scimdJson(['admin', 'token', 'list', '--db', database.url]), [], 'the failed start created no admin secret');

      const server = await startScimd(['--db', database.url]);
      try {
        await waitFor('the banners', () => /Client secret:/.test(server.errors()) && /Admin secret:/.test(server.errors()));
        const secret = /Client secret:\s+(\S+)/.exec(server.errors())![1];
        const users = await fetch(`${server.url}/Users`, { headers: { authorization: `Bearer ${secret}` } });
        assert.equal(users.status, 200, 'the secret shown at the first successful start works');
      } finally {
        await server.stop();
      }
    });
  });
}

describe('commands other than serve and migrate on a missing SQLite database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-missing-'));
  const missing = join(dir, 'nonexistent', 'x.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const command of [['status'], ['directory', 'list'], ['token', 'list', 'default'], ['connection', 'list'], ['sync', 'hr'], ['webhook', 'list'], ['audit'], ['migrate', '--status']]) {
    it(`scimd ${command.join(' ')} refuses it, names the path, and creates nothing`, async () => {
      const result = await runScimd([...command, '--db', missing]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.ok(result.stderr.includes(`No database at ${missing}`), result.stderr);
      assert.ok(!existsSync(join(dir, 'nonexistent')), 'no folder, database or key file was created');
    });
  }

  it('scimd migrate creates it (an explicit init), and then status works on it', async () => {
    const db = join(dir, 'new', 'scimd.db');
    const migrated = await runScimd(['migrate', '--db', db]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.ok(existsSync(db));
    const status = await runScimd(['status', '--db', db]);
    assert.equal(status.code, 0, status.stderr);
  });

  it('a database path SQLite cannot open is named in the error', async () => {
    const result = await runScimd(['serve', '--port', '0', '--db', dir]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`Cannot open the SQLite database ${dir}`), result.stderr);
  });
});
