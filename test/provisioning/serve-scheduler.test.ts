import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { startScimd } from '../support/scimd-process.js';
import { CliHarness } from './support/cli-harness.js';
import { waitFor } from '../support/wait.js';

const HEADER = 'userName,externalId,name.givenName,name.familyName,title\n';

for (const backend of BACKENDS) {
  describe(`scheduled cycles in scimd serve, and the operator commands, on ${backend}`, () => {
    let h: CliHarness;
    const targetUsers = async () => {
      const response = await h.directory.request('GET', '/Users?count=100');
      return new Map((response.body.Resources as { userName: string; title?: string }[]).map((u) => [u.userName, u]));
    };
    before(async () => {
      h = await CliHarness.start(backend);
      h.file('users.csv', `${HEADER}ann@acme.com,e1,Ann,Lee,Rep\nben@acme.com,e2,Ben,Ko,Rep\n`);
    });
    after(() => h.close());

    it('scimd serve runs a connection on its schedule and stops cleanly on SIGTERM', async () => {
      const created = await h.run(['connection', 'create', 'hr', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret, '--schedule', '2s', '--json']);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(JSON.parse(created.stdout).settings.schedule, '2s');
      const server = await startScimd(['--db', h.database.url, '--no-bootstrap'], h.env);
      try {
        await waitFor('the users on the target', async () => (await targetUsers()).size === 2);
        h.file('users.csv', `${HEADER}ann@acme.com,e1,Ann,Lee,Lead\nben@acme.com,e2,Ben,Ko,Rep\n`);
        await waitFor('the change, in a later cycle', async () => (await targetUsers()).get('ann@acme.com')?.title === 'Lead');
      } finally {
        assert.equal(await server.stop('SIGTERM'), 0, server.errors());
      }
      const cycles = JSON.parse((await h.run(['sync', 'cycles', 'hr', '--json'])).stdout) as { status: string }[];
      assert.ok(cycles.length >= 2);
      assert.ok(cycles.every((c) => c.status === 'completed' || c.status === 'interrupted'), JSON.stringify(cycles));
    });

    it('scimd sync --user provisions one user with a step-by-step report', async () => {
      h.file('users.csv', `${HEADER}ann@acme.com,e1,Ann,Lee,Lead\nben@acme.com,e2,Ben,Ko,Rep\ncy@acme.com,e3,Cy,Ng,Rep\n`);
      const result = await h.run(['sync', 'hr', '--user', 'e3']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /ok +Source +found/);
      assert.match(result.stdout, /ok +Mapping +the mappings produced these target attributes\n +userName: "cy@acme.com"\n/);
      assert.match(result.stdout, /\n +title: "Rep"\n/);
      assert.match(result.stdout, /ok +Plan +create it/);
      assert.match(result.stdout, /ok +Target: create +success; the target answered 201/);
      assert.ok((await targetUsers()).has('cy@acme.com'));
      const missing = await h.run(['sync', 'hr', '--user', 'nobody']);
      assert.equal(missing.code, 1);
      assert.match(missing.stdout, /FAIL +Source +no user with the key "nobody"/);
    });

    it('a refused secret quarantines; show says why; clear-quarantine and allow-deletions are levers', async () => {
      h.file('users.csv', `${HEADER}ann@acme.com,e1,Ann,Lee,Lead\nben@acme.com,e2,Ben,Ko,Rep\ncy@acme.com,e3,Cy,Ng,Rep\ndee@acme.com,e4,Dee,Wu,Rep\n`);
      const revoked = await h.run(['connection', 'set-secret', 'hr', '--secret', 'not-a-valid-secret-at-all']);
      assert.equal(revoked.code, 0, revoked.stderr);
      const failed = await h.run(['sync', 'hr', '--quiet']);
      assert.equal(failed.code, 1);
      assert.match(failed.stdout, /quarantined: The target refused the credential/);
      const shown = await h.run(['connection', 'show', 'hr']);
      assert.match(shown.stdout, /QUARANTINED: +since .* \(credentials\): The target refused the credential/);
      assert.ok(!shown.stdout.includes('not-a-valid-secret-at-all'));
      const cleared = await h.run(['connection', 'clear-quarantine', 'hr']);
      assert.equal(cleared.code, 0, cleared.stderr);
      assert.doesNotMatch((await h.run(['connection', 'show', 'hr'])).stdout, /QUARANTINED/);

      const allowed = await h.run(['connection', 'allow-deletions', 'hr', '--json']);
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal(JSON.parse(allowed.stdout).allowDeletes, true);
      assert.match((await h.run(['connection', 'show', 'hr'])).stdout, /deletions: +allowed past the threshold in the next cycle/);
    });
  });
}
