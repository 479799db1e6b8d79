import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const HEADER = 'userName,externalId,name.givenName,name.familyName,active\n';
const ROWS = ['ann@acme.com,e1,Ann,Lee,true', 'ben@acme.com,e2,Ben,Ko,true', 'cy@acme.com,e3,Cy,Ng,true'];

for (const backend of BACKENDS) {
  describe(`the connections admin API on ${backend}`, () => {
    let server: TestServer;
    let call: AdminCall;
    let dir: string;
    let target: { id: string; secret: string; secretId: string };
    const users = (rows: string[]) => writeFileSync(join(dir, 'users.csv'), HEADER + rows.join('\n') + '\n');
    /** Everything the engine put on the target directory, by userName. */
    const targetUsers = async () => {
      const response = await server.raw('GET', '/Users?count=100', { headers: { authorization: `Bearer ${target.secret}` } });
      return new Map((response.body.Resources as { userName: string; active: boolean }[]).map((u) => [u.userName, u]));
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-connapi-'));
      process.env.SCIMD_KEY_FILE = join(dir, 'scimd.key');
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
      // The target is a directory of this same server, reached over HTTP with its own secret.
      const directory = await call('POST', '/directories', { name: 'app' });
      const secret = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine' });
      target = { id: directory.body.id, secret: secret.body.secret, secretId: secret.body.id };
      users(ROWS);
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      delete process.env.SCIMD_KEY_FILE;
    });

    it('requires an admin credential: none, or a directory secret, is refused', async () => {
      assertProblem(await call('GET', '/connections', undefined, null), 401);
      const refused = await call('GET', '/connections', undefined, target.secret);
      assert.ok(refused.status === 401 || refused.status === 403, `got ${refused.status}`);
      assertProblem(await call('POST', '/connections', { name: 'x' }, null), 401);
    });

    it('creates a connection after checking its source, and never returns the secret', async () => {
      const response = await call('POST', '/connections', {
        name: 'app',
        source: `file:${dir}/users.csv`,
        target: server.baseUrl,
        secret: target.secret,
        schedule: 'off',
        deletionThreshold: 1,
      });
      assertOk(response, 201);
      assert.equal(response.headers.get('location'), `/api/v1/connections/${response.body.connection.id}`);
      assert.equal(response.body.connection.name, 'app');
      assert.equal(response.body.connection.settings.schedule, 'off');
      assert.deepEqual(response.body.connection.credential, { kind: 'bearer', expiresAt: null });
      assert.equal(response.body.check.users, 3);
      assert.ok(!response.text.includes(target.secret));
      const listed = await call('GET', '/connections');
      assertOk(listed);
      assert.deepEqual(listed.body.connections.map((c: { name: string }) => c.name), ['app']);
      assert.ok(!listed.text.includes(target.secret));
    });

    it('refuses bad input with a problem, and saves nothing', async () => {
      assertProblem(await call('POST', '/connections', { name: 'b', source: `file:${dir}/users.csv`, secret: 'x' }), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections', { name: 'b', source: `file:${dir}/users.csv`, target: server.baseUrl, secret: 'x', colour: 'red' }), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections', { name: 'b', source: `file:${dir}/missing.csv`, target: server.baseUrl, secret: 'x' }), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections', { name: 'b', source: `file:${dir}/users.csv`, target: server.baseUrl, secret: 'x', scopeUsers: 'nosuch eq "1"' }), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections', { name: 'APP', source: `file:${dir}/users.csv`, target: server.baseUrl, secret: 'x' }), 409);
      assertProblem(await call('PATCH', '/connections/app', { schedule: 'sometimes' }), 400, 'invalid-input');
      assertProblem(await call('PATCH', '/connections/app', { secret: 'sneaky' }), 400, 'invalid-input');
      assertProblem(await call('GET', '/connections/nosuch'), 404, 'not-found');
      assert.equal((await call('GET', '/connections')).body.connections.length, 1);
    });

    it('refuses mappings that read source attributes the CSV does not have, naming the character and the closest column', async () => {
      const base = { source: `file:${dir}/users.csv`, target: server.baseUrl, secret: target.secret };
      const userName = { target: 'userName', source: 'userName', matching: 1 };
      const direct = await call('POST', '/connections', { name: 'typo', ...base, mappings: { users: [userName, { target: 'displayName', source: 'name.givenNme' }] } });
      assertProblem(direct, 400, 'invalid-input');
      assert.equal(
        direct.body.detail,
        'user mapping 2 ("displayName"): the source has no attribute "name.givenNme" (did you mean "name.givenName"? checked against the columns of users.csv)',
      );
      const expression = await call('POST', '/connections', { name: 'typo', ...base, mappings: { users: [userName, { target: 'nickName', expression: 'ToLower([name.givenNmae])' }] } });
      assertProblem(expression, 400, 'invalid-input');
      assert.equal(
        expression.body.detail,
        [
          'user mapping 2 ("nickName"): The source has no attribute [name.givenNmae] (did you mean [name.givenName]? checked against the columns of users.csv) at character 10',
          '  ToLower([name.givenNmae])',
          '           ^',
        ].join('\n'),
      );
      const unknownFunction = await call('POST', '/connections', { name: 'typo', ...base, mappings: { users: [userName, { target: 'nickName', expression: 'ToLowr([userName])' }] } });
      assertProblem(unknownFunction, 400, 'invalid-input');
      assert.match(unknownFunction.body.detail, /Unknown function ToLowr; did you mean ToLower\? at character 1/);
      assert.equal((await call('GET', '/connections')).body.connections.length, 1, 'nothing was saved');
      // An update is checked the same way; names differing only in case are the same column.
      assertProblem(await call('PATCH', '/connections/app', { mappings: { users: [userName, { target: 'title', source: 'titel' }] } }), 400, 'invalid-input');
      assertOk(await call('PATCH', '/connections/app', { mappings: { users: [{ target: 'userName', source: 'USERNAME', matching: 1 }, { target: 'nickName', expression: 'Join(" ", [name.GivenName], [name.familyName])' }] } }));
      assertOk(await call('PATCH', '/connections/app', { mappings: 'default' }));
      // The file source's encoding is an option like the others.
      const latin = await call('PATCH', '/connections/app', { sourceEncoding: 'latin1' });
      assertOk(latin);
      assert.equal(latin.body.connection.source.encoding, 'latin1');
      assertProblem(await call('PATCH', '/connections/app', { sourceEncoding: 'klingon' }), 400, 'invalid-input');
      assert.equal((await call('PATCH', '/connections/app', { sourceEncoding: 'utf-8' })).body.connection.source.encoding, undefined);
    });

    it('tests the connection step by step', async () => {
      const response = await call('POST', '/connections/app/test');
      assertOk(response);
      assert.equal(response.body.ok, true, JSON.stringify(response.body.steps));
      const steps = Object.fromEntries(response.body.steps.map((s: { step: string; status: string }) => [s.step, s.status]));
      assert.equal(steps.Authentication, 'ok');
      assert.equal(steps['User probe'], 'ok');
      assert.equal(steps['Group probe'], 'ok');
    });

    it('a dry run returns and stores the plan and changes nothing; the run then does exactly that', async () => {
      const dry = await call('POST', '/connections/app/dry-run');
      assertOk(dry);
      assert.equal(dry.body.cycle.dryRun, true);
      assert.deepEqual(dry.body.plan.steps.map((s: { action: string; key: string }) => `${s.action} ${s.key}`).sort(), ['create e1', 'create e2', 'create e3']);
      assert.equal((await targetUsers()).size, 0);
      const planned = await call('GET', `/connections/app/logs?cycle=${dry.body.cycle.id}`);
      assert.deepEqual(planned.body.entries.map((e: { result: string }) => e.result), ['planned', 'planned', 'planned']);

      const run = await call('POST', '/connections/app/run');
      assertOk(run);
      assert.equal(run.body.cycle.status, 'completed', run.body.cycle.message);
      assert.equal(run.body.summary.created, 3);
      assert.equal(run.body.plan, undefined, 'a real run that went ahead carries no plan');
      assert.deepEqual([...(await targetUsers()).keys()].sort(), ['ann@acme.com', 'ben@acme.com', 'cy@acme.com']);

      const cycles = await call('GET', '/connections/app/cycles');
      assert.deepEqual(cycles.body.cycles.map((c: { dryRun: boolean; summary: { created: number } }) => [c.dryRun, c.summary.created]), [[false, 3], [true, 3]]);
    });

    it('reads the log filtered by object, action and result, page by page', async () => {
      const byObject = await call('GET', '/connections/app/logs?object=E2&result=success');
      assert.deepEqual(byObject.body.entries.map((e: { key: string; action: string }) => `${e.key} ${e.action}`), ['e2 create']);
      const first = await call('GET', '/connections/app/logs?action=create&result=success&limit=2');
      assert.equal(first.body.entries.length, 2);
      assert.equal(typeof first.body.next, 'number');
      const second = await call('GET', `/connections/app/logs?action=create&result=success&limit=2&before=${first.body.next}`);
      assert.equal(second.body.entries.length, 1);
      assert.equal(second.body.next, undefined, 'the last page says so');
      const keys = [...second.body.entries, ...first.body.entries].map((e: { key: string }) => e.key).sort();
      assert.deepEqual(keys, ['e1', 'e2', 'e3']);
      assertProblem(await call('GET', '/connections/app/logs?result=maybe'), 400, 'invalid-input');
      assertProblem(await call('GET', '/connections/app/logs?limit=0'), 400, 'invalid-input');
    });

    it('a full reconcile reads the target back and repairs a change made inside the app; a full flag that is not true or false is refused', async () => {
      const ann = (await targetUsers()).get('ann@acme.com') as unknown as { id: string };
      await server.raw('DELETE', `/Users/${ann.id}`, { headers: { authorization: `Bearer ${target.secret}` } });
      const plain = await call('POST', '/connections/app/run');
      assert.equal(plain.body.summary.created, 0, 'an ordinary cycle trusts what it last sent');
      const refused = await call('POST', '/connections/app/run', { full: 'yes' });
      assert.equal(refused.status, 400);
      assert.match(refused.body.detail, /full must be true or false/);
      const dry = await call('POST', '/connections/app/dry-run', { full: true });
      assert.deepEqual(dry.body.plan.steps.map((s: { action: string; key: string }) => `${s.action} ${s.key}`), ['create e1']);
      const full = await call('POST', '/connections/app/run', { full: true });
      assertOk(full);
      assert.match(full.body.cycle.message, /^Full reconcile: read 2 objects back from the target; 1 object differed/);
      assert.equal(full.body.summary.created, 1);
      assert.ok((await targetUsers()).has('ann@acme.com'));
    });

    it('updates settings, and the deletion threshold holds until an admin allows deletions once', async () => {
      const updated = await call('PATCH', '/connections/app', { schedule: '15min', deleteAfter: '0' });
      assertOk(updated);
      assert.equal(updated.body.connection.settings.schedule, '15min');
      users(ROWS.slice(0, 1));
      const stopped = await call('POST', '/connections/app/run');
      assert.equal(stopped.body.cycle.status, 'stopped');
      assert.equal(stopped.body.plan.steps.filter((s: { action: string }) => s.action === 'delete').length, 2);
      assert.equal((await targetUsers()).size, 3, 'nothing was deleted');

      const allowed = await call('POST', '/connections/app/allow-deletions');
      assert.equal(allowed.body.allowDeletes, true);
      const released = await call('POST', '/connections/app/run');
      assert.equal(released.body.cycle.status, 'completed', released.body.cycle.message);
      assert.equal(released.body.summary.deleted, 2);
      assert.deepEqual([...(await targetUsers()).keys()], ['ann@acme.com']);
      assert.equal((await call('GET', '/connections/app')).body.allowDeletes, false, 'released for one cycle only');
      users(ROWS);
    });

    it('a refused credential quarantines the connection with a reason; a new secret and a passing test clear it', async () => {
      users([...ROWS, 'dee@acme.com,e4,Dee,Wu,true']);
      assertOk(await call('DELETE', `/directories/${target.id}/secrets/${target.secretId}?force=true`));
      const refused = await call('POST', '/connections/app/run');
      assert.equal(refused.body.cycle.status, 'failed');
      assert.equal(refused.body.quarantine.reason, 'credentials');
      const shown = await call('GET', '/connections/app');
      assert.equal(shown.body.quarantine.reason, 'credentials');
      assert.match(shown.body.quarantine.detail, /refused the credential/);
      assert.equal((await call('POST', '/connections/app/test')).body.ok, false);
      assert.equal((await call('GET', '/connections/app')).body.quarantine.reason, 'credentials', 'a failing test leaves it quarantined');

      const fresh = await call('POST', `/directories/${target.id}/secrets`, { name: 'engine 2' });
      const replaced = await call('PUT', '/connections/app/secret', { secret: fresh.body.secret, secretExpires: '2031-01-01' });
      assertOk(replaced);
      assert.ok(!replaced.text.includes(fresh.body.secret));
      assert.equal(replaced.body.credential.expiresAt, '2031-01-01T00:00:00.000Z');
      target = { ...target, secret: fresh.body.secret, secretId: fresh.body.id };
      assert.equal((await call('POST', '/connections/app/test')).body.ok, true);
      assert.equal((await call('GET', '/connections/app')).body.quarantine, null);
      const recovered = await call('POST', '/connections/app/run');
      assert.equal(recovered.body.cycle.status, 'completed', recovered.body.cycle.message);
      assert.ok((await targetUsers()).has('dee@acme.com'));
    });

    it('provisions one user on demand with a step-by-step report', async () => {
      users([...ROWS, 'dee@acme.com,e4,Dee,Wu,true', 'fay@acme.com,e6,Fay,Li,true']);
      const created = await call('POST', '/connections/app/provision', { user: 'E6' });
      assertOk(created);
      assert.equal(created.body.ok, true, JSON.stringify(created.body.steps));
      const steps = new Map(created.body.steps.map((s: { step: string }) => [s.step, s]));
      assert.deepEqual([...steps.keys()], ['Source', 'Mapping', 'Scope', 'Match', 'Plan', 'Target: create']);
      assert.equal((steps.get('Mapping') as { data: { userName: string } }).data.userName, 'fay@acme.com');
      assert.match((steps.get('Match') as { detail: string }).detail, /no target user has userName eq "fay@acme.com"/);
      assert.match((steps.get('Target: create') as { detail: string }).detail, /success; the target answered 201/);
      assert.ok((await targetUsers()).has('fay@acme.com'));
      assert.ok(!(await targetUsers()).has('eli@acme.com'));
      const logged = await call('GET', `/connections/app/logs?cycle=${created.body.cycleId}`);
      assert.deepEqual(logged.body.entries.map((e: { key: string; action: string }) => `${e.key} ${e.action}`), ['e6 create']);

      users([...ROWS, 'dee@acme.com,e4,Dee,Wu,true', 'fay@acme.com,e6,Faye,Li,true']);
      const updated = await call('POST', '/connections/app/provision', { user: 'e6' });
      const plan = updated.body.steps.find((s: { step: string }) => s.step === 'Plan');
      assert.match(plan.detail, /update name.givenName/);
      assert.deepEqual(plan.data[0].changes, [{ path: 'name.givenName', from: 'Fay', to: 'Faye' }]);
      assert.equal(updated.body.steps.at(-1).step, 'Target: update');
      const again = await call('POST', '/connections/app/provision', { user: 'e6' });
      assert.match(again.body.steps.at(-1).detail, /nothing to do/);
      assert.equal(again.body.cycleId, null);

      const missing = await call('POST', '/connections/app/provision', { user: 'nobody' });
      assert.equal(missing.body.ok, false);
      assert.match(missing.body.steps[0].detail, /no user with the key "nobody"/);
      assertProblem(await call('POST', '/connections/app/provision', {}), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections/app/provision', { user: 'e6', group: 'g' }), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections/app/provision', { user: 'e6', members: ['e1'] }), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections/app/provision', { group: 'g', members: ['a', 'b', 'c', 'd', 'e', 'f'] }), 400, 'invalid-input');
      assertProblem(await call('POST', '/connections/app/provision', { group: 'g', members: 'e1' }), 400, 'invalid-input');
      const noGroup = await call('POST', '/connections/app/provision', { group: 'nosuch' });
      assert.equal(noGroup.body.ok, false);
      assert.equal(noGroup.body.group, 'nosuch');
    });

    it('an admin can clear a quarantine', async () => {
      assertOk(await call('DELETE', `/directories/${target.id}/secrets/${target.secretId}?force=true`));
      users([...ROWS, 'eli@acme.com,e5,Eli,Oz,true']);
      assert.equal((await call('POST', '/connections/app/run')).body.quarantine.reason, 'credentials');
      const cleared = await call('DELETE', '/connections/app/quarantine');
      assertOk(cleared);
      assert.equal(cleared.body.quarantine, null);
      assert.equal((await call('GET', '/connections/app')).body.quarantine, null);
    });

    it('deletes a connection; it is gone from the API and described in the OpenAPI document', async () => {
      const deleted = await call('DELETE', '/connections/app');
      assertOk(deleted);
      assert.equal(deleted.body.name, 'app');
      assertProblem(await call('GET', '/connections/app'), 404, 'not-found');
      const openapi = await call('GET', '/openapi.json', undefined, null);
      for (const path of ['/connections', '/connections/{connection}', '/connections/{connection}/logs', '/connections/{connection}/run']) assert.ok(openapi.body.paths[path], path);
      // Every source option the routes accept is described, for create and update alike.
      const sourceOptions = ['source', 'sourceSecret', 'bindDn', 'baseDn', 'userFilter', 'groupFilter', 'sourceKey', 'pageSize', 'incremental', 'sourceCa', 'sourceStartTls', 'sourceEncoding', 'groups', 'memberships', 'userKey', 'groupKey'];
      for (const [path, method] of [['/connections', 'post'], ['/connections/{connection}', 'patch']]) {
        const properties = openapi.body.paths[path][method].requestBody.content['application/json'].schema.properties;
        for (const option of sourceOptions) assert.ok(properties[option], `${method} ${path} describes ${option}`);
        assert.equal(properties.sourceSecret.writeOnly, true);
      }
      const steps = openapi.body.components.schemas.TestReport.properties.steps.items.properties;
      assert.deepEqual(steps.side.enum, ['source', 'target']);
    });
  });
}
