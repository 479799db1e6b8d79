import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { CliHarness } from '../provisioning/support/cli-harness.js';
import { startScimd } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';
import { endlessPeer } from './support/endless-peer.js';

for (const backend of BACKENDS) {
  describe(`the outbound flags of the real CLI, on ${backend}`, () => {
    let h: CliHarness;
    let elsewhere: string;
    before(async () => {
      h = await CliHarness.start(backend);
      h.file('users.csv', 'userName,externalId\nann@acme.com,e1\n');
      elsewhere = mkdtempSync(join(tmpdir(), 'scimd-elsewhere-'));
      writeFileSync(join(elsewhere, 'users.csv'), 'userName,externalId\nann@acme.com,e1\n');
    });
    after(async () => {
      await h.close();
      rmSync(elsewhere, { recursive: true, force: true });
    });

    it('connection create refuses a file source outside the source folder, and --source-dir moves the folder', async () => {
      const refused = await h.run(['connection', 'create', 'hr', '--source', `file:${elsewhere}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /users\.csv: a file source must be inside the source folder .* \(--source-dir or SCIMD_SOURCE_DIR\)/);
      const sneaky = await h.run(['connection', 'create', 'hr', '--source', `file:${h.dir}/../${elsewhere.split('/').pop()}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret]);
      assert.match(sneaky.stderr, /must be inside the source folder/);
      const moved = await h.json(['connection', 'create', 'hr', '--source', `file:${elsewhere}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret, '--source-dir', elsewhere]);
      assert.equal(moved.name, 'hr');
    });

    it('sync refuses a target in a denied range with the reason, and says so without retrying', async () => {
      await h.json(['connection', 'create', 'app', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret]);
      const result = await h.run(['sync', 'app', '--outbound-deny', '127.0.0.0/8,::1']);
      assert.match(result.stdout, /failed 1\n  1 requests to the target/, 'one attempt, no retries');
      const cycle = /Failures: scimd sync log app --cycle (\S+) --failed/.exec(result.stdout)?.[1];
      const log = await h.run(['sync', 'log', 'app', '--cycle', cycle!, '--failed']);
      assert.match(log.stdout, /127\.0\.0\.1 is in the denied range 127\.0\.0\.0\/8 \(--outbound-deny\)/);
      assert.equal(await h.userCount(), 0, 'nothing reached the target');
      const allowed = await h.json(['sync', 'app']);
      assert.equal(await h.userCount(), 1, JSON.stringify(allowed));
    });

    it('scimd serve outlives a target that answers without end: its scheduled cycles fail the objects with the cap\'s message', async () => {
      const peer = await endlessPeer();
      try {
        await h.json(['connection', 'create', 'hostile', '--source', `file:${h.dir}/users.csv`, '--target', peer.url, '--secret', 'scimd_unused', '--schedule', '2s']);
        const server = await startScimd(['--db', h.database.url, '--no-bootstrap', '--outbound-max-response-bytes', String(1024 * 1024)], h.env);
        try {
          type Cycle = { id: string; status: string; summary: { failed: number } };
          const failed = await waitFor('a scheduled cycle with failed objects', async () => {
            const cycles = JSON.parse((await h.run(['sync', 'cycles', 'hostile', '--json'])).stdout) as Cycle[];
            return cycles.find((c) => c.status === 'completed' && c.summary.failed > 0);
          });
          const log = await h.run(['sync', 'log', 'hostile', '--cycle', failed.id, '--failed']);
          assert.match(log.stdout, /the answer is larger than 1 MiB \(--outbound-max-response-bytes\); the request was aborted/);
          const health = await fetch(new URL('/healthz', server.url));
          assert.equal(health.status, 200);
        } finally {
          assert.equal(await server.stop('SIGTERM'), 0, server.errors());
        }
      } finally {
        await h.run(['connection', 'delete', 'hostile']);
        await peer.close();
      }
    });

    it('bad outbound flags stop the command with a clear message', async () => {
      const range = await h.run(['serve', '--port', '0', '--outbound-allow', '10.0.0.0/33']);
      assert.equal(range.code, 1);
      assert.match(range.stderr, /--outbound-allow: "10\.0\.0\.0\/33" is not an address range/);
      const bytes = await h.run(['connection', 'list', '--outbound-max-response-bytes', '12']);
      assert.match(bytes.stderr, /--outbound-max-response-bytes "12" must be a whole number of bytes, at least 1024/);
    });
  });
}
