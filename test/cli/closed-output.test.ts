import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd } from '../support/scimd-cli.js';
import { CLI } from '../support/scimd-process.js';

/** Runs scimd with its standard output closed before it writes (a reader such as `head` that has gone). */
function runWithClosedOutput(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMD_')));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: inherited });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

for (const backend of BACKENDS) {
  describe(`scimd output into a closed pipe (${backend})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(backend);
      assert.equal((await runScimd(['migrate', '--db', database.url])).code, 0);
      for (const name of ['a', 'b', 'c']) assert.equal((await runScimd(['directory', 'create', name, '--db', database.url])).code, 0);
    });
    after(() => database.drop());

    it('a reader that went away (| head) ends the command quietly with success, not an EPIPE crash', async () => {
      const result = await runWithClosedOutput(['directory', 'list', '--db', database.url]);
      assert.doesNotMatch(result.stderr, /EPIPE|Unhandled/);
      assert.equal(result.code, 0);
    });
  });
}
