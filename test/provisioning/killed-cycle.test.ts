import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { openConnectionStore } from '../../src/provisioning/store/open-connection-store.js';
import { BACKENDS } from '../support/databases.js';
import { CLI } from '../support/scimd-process.js';
import { CliHarness } from './support/cli-harness.js';
import { waitFor } from '../support/wait.js';

const USERS = 1000;

for (const backend of BACKENDS) {
  describe(`a cycle killed mid-way on ${backend}`, () => {
    let h: CliHarness;
    before(async () => {
      h = await CliHarness.start(backend);
      const rows = Array.from({ length: USERS }, (_, i) => `user${i}@acme.com,e${i},User ${i},${i === 0 ? '' : `e${Math.floor((i - 1) / 10)}`}`);
      h.file('users.csv', ['userName,externalId,displayName,manager', ...rows].join('\n'));
      h.file('groups.csv', 'displayName,externalId\nEveryone,all\n');
      h.file('memberships.csv', ['group,member', ...Array.from({ length: USERS }, (_, i) => `all,e${i}`)].join('\n'));
      await h.json(['connection', 'create', 'acme', '--source', `file:${h.dir}/users.csv`, '--groups', `${h.dir}/groups.csv`, '--memberships', `${h.dir}/memberships.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret]);
    });
    after(() => h.close());

    it('resumes from where it stopped, with no duplicate and nothing lost', async () => {
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMD_')));
      const child = spawn(process.execPath, [CLI, 'sync', 'acme', '--db', h.database.url, '--json'], { env: { ...inherited, ...h.env }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Kill it hard once a good part of the users are on the target, in the middle of a chunk.
      await waitFor('300 users on the target', async () => (await h.userCount()) >= 300);
      child.kill('SIGKILL');
      await exited;
      const afterKill = await h.userCount();
      assert.ok(afterKill >= 300 && afterKill < USERS, `killed with ${afterKill} of ${USERS} users created`);

      const resumed = await h.json(['sync', 'acme']);
      assert.equal(resumed.cycle.status, 'completed', resumed.cycle.message);
      assert.equal(resumed.summary.failed, 0);
      assert.equal(await h.userCount(), USERS);

      const store = await openConnectionStore(h.database.url);
      try {
        const connection = (await store.findConnection('acme'))!;
        const cycles = await store.listCycles(connection.id, 10);
        assert.deepEqual(cycles.map((c) => c.status), ['completed', 'interrupted'], 'the killed cycle is marked interrupted');
        const states = await store.loadObjects(connection.id);
        const users = states.filter((s) => s.type === 'User');
        assert.equal(users.length, USERS);
        assert.ok(users.every((s) => s.targetId && s.phase === 'linked' && s.ownership === 'created'), 'every user is linked, and known to be ours');
        assert.equal(new Set(users.map((s) => s.targetId)).size, USERS);
        const userCreates = (cycleId: string) => store.readLog(connection.id, { cycleId, limit: 100_000 }).then((log) => log.filter((e) => e.type === 'User' && e.result === 'success'));
        const before = await userCreates(cycles[1].id);
        const resumedLog = await userCreates(resumed.cycle.id);
        const recovered = resumedLog.filter((e) => e.action === 'adopt' && e.detail === 'created by this connection in an interrupted cycle');
        const created = resumedLog.filter((e) => e.action === 'create');
        assert.equal(before.length + recovered.length + created.length, USERS, 'each user was created once: before the kill, in flight when it came, or after');
      } finally {
        await store.close();
      }

      const posts = h.proxy.exchanges.filter((e) => e.method === 'POST');
      assert.equal(posts.filter((e) => e.status === 409).length, 0, 'no POST met a user that already existed');
      assert.equal(posts.filter((e) => e.status === 201).length, USERS + 1);
      const everyone = (await h.directory.request('GET', '/Groups?filter=displayName eq "Everyone"')).body.Resources[0];
      assert.equal(everyone.members.length, USERS);

      h.proxy.reset();
      const quiet = await h.json(['sync', 'acme']);
      assert.equal(quiet.summary.unchanged, USERS + 1);
      assert.equal(h.proxy.exchanges.length, 0, 'after resuming, a cycle with no change sends nothing');
    });
  });
}
