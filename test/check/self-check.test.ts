import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CheckReport } from '../../src/check/check-types.js';
import { CATALOGUE } from '../../src/check/catalogue.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import { runCheckCli } from './support/run-check-cli.js';
import { parseXmlElements } from './support/xml-well-formed.js';

async function countResources(directory: TestDirectory): Promise<{ users: string[]; groups: string[] }> {
  const users = await directory.request('GET', '/Users?count=1000&attributes=userName');
  const groups = await directory.request('GET', '/Groups?count=1000&attributes=displayName');
  return { users: users.body.Resources.map((u: any) => u.userName), groups: groups.body.Resources.map((g: any) => g.displayName) };
}

for (const backend of BACKENDS) {
  describe(`scimd check against scimd itself (${backend})`, () => {
    let server: TestServer;
    let folder: string;
    before(async () => {
      server = await startTestServer(backend);
      folder = mkdtempSync(join(tmpdir(), 'scimd-check-'));
    });
    after(async () => {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    });

    test('every check passes, exit 0; the JSON report and the JUnit file parse; nothing is left behind', async () => {
      const directory = await server.createDirectory();
      const junit = join(folder, 'check.xml');
      const result = await runCheckCli([server.baseUrl, '--json', '--junit', junit], directory.secret);
      const report = JSON.parse(result.stdout) as CheckReport;
      const failures = report.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.id}: ${r.verdict} ${r.message}`);
      assert.deepEqual(failures, [], 'scimd passes its own checker');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(report.results.length, CATALOGUE.length, 'profile all runs the whole catalogue');
      assert.deepEqual(report.summary, { pass: CATALOGUE.length, fail: 0, skip: 0 });
      assert.match(report.prefix, /^scimdcheck-[0-9a-f]{8}-$/);
      assert.ok(report.cleanup.deleted > 0 && report.cleanup.failed.length === 0);

      const elements = parseXmlElements(readFileSync(junit, 'utf8'));
      const cases = elements.filter(([name]) => name === 'testcase');
      assert.equal(cases.length, CATALOGUE.length);
      assert.deepEqual(cases.map(([, a]) => a.name).sort(), CATALOGUE.map((c) => c.id).sort());
      assert.equal(elements[0][1].failures, '0');

      assert.deepEqual(await countResources(directory), { users: [], groups: [] }, 'every object the run created is gone');
      assert.ok(!result.stdout.includes(directory.secret) && !result.stderr.includes(directory.secret), 'the token is never printed');
    });

    test('--keep leaves the prefixed objects on the server', async () => {
      const directory = await server.createDirectory();
      const result = await runCheckCli([server.baseUrl, '--only', 'users.create,groups.create,filter.eq.username', '--keep', '--json'], directory.secret);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const report = JSON.parse(result.stdout) as CheckReport;
      const left = await countResources(directory);
      assert.ok(left.users.length >= 8 && left.groups.length === 1, JSON.stringify(left));
      for (const name of [...left.users, ...left.groups]) assert.ok(name.startsWith(report.prefix), `${name} carries the run's prefix`);
      assert.equal(report.cleanup.kept, left.users.length + left.groups.length);
    });

    test('SIGINT in the middle of a run stops it, deletes what it created and exits 130', async () => {
      const directory = await server.createDirectory();
      const result = await runCheckCli([server.baseUrl], directory.secret, async (child) => {
        const deadline = Date.now() + 60_000;
        while ((await countResources(directory)).users.length < 3) {
          if (Date.now() > deadline) throw new Error('the run never created users');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        child.kill('SIGINT');
      });
      assert.equal(result.code, 130, result.stdout + result.stderr);
      assert.match(result.stderr, /SIGINT/);
      assert.deepEqual(await countResources(directory), { users: [], groups: [] });
    });
  });
}

describe('scimd check exit codes for a server it cannot judge', () => {
  test('an unreachable server or a URL that is not one exits 2 with the reason', async () => {
    const result = await runCheckCli(['http://127.0.0.1:9/scim/v2'], 'whatever');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /could not be reached/);
    const notUrl = await runCheckCli(['127.0.0.1:8080/scim/v2'], 'whatever');
    assert.equal(notUrl.code, 2);
    assert.match(notUrl.stderr, /not an http\(s\) URL/);
  });

  test('a refused token exits 2, a missing token or an unknown --only id exits 2', async () => {
    const server = await startTestServer('sqlite');
    after(() => server.close());
    const refused = await runCheckCli([server.baseUrl], 'scimd_not-a-real-secret');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refused the token/);
    const directory = await server.createDirectory();
    const unknown = await runCheckCli([server.baseUrl, '--only', 'no.such.check'], directory.secret);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no check has that id/);
    const badProfile = await runCheckCli([server.baseUrl, '--profile', 'nope'], directory.secret);
    assert.equal(badProfile.code, 2);
  });
});
