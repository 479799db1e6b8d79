import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nextRunAt, parseSchedule } from '../../src/provisioning/scheduler/schedule.js';
import { adminApi } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { CliHarness } from './support/cli-harness.js';

describe('a schedule that was never set', () => {
  it('is off: no cycle is ever due', () => {
    assert.deepEqual(parseSchedule(undefined), { kind: 'off' });
    assert.equal(nextRunAt({ schedule: parseSchedule(undefined), lastStart: null, lastEnd: null, escrowRetry: null, quarantined: false }), null);
  });
});

for (const backend of BACKENDS) {
  describe(`a new connection provisions only once its schedule is turned on (${backend})`, () => {
    let h: CliHarness;
    before(async () => {
      h = await CliHarness.start(backend);
      h.file('users.csv', 'userName,externalId\nann@acme.com,e1\n');
    });
    after(() => h.close());

    it('scimd connection create without --schedule makes it off, and says so in --help', async () => {
      const created = await h.json(['connection', 'create', 'hr', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret]);
      assert.equal(created.settings.schedule, 'off');
      const withSchedule = await h.json(['connection', 'create', 'hr2', '--source', `file:${h.dir}/users.csv`, '--target', h.proxy.baseUrl, '--secret', h.directory.secret, '--schedule', '1h']);
      assert.equal(withSchedule.settings.schedule, '1h');
      const help = await h.run(['connection', 'create', '--help']);
      assert.match(help.stdout.replace(/\s+/g, ' '), /or off \(the default/);
    });

    it('POST /api/v1/connections without a schedule makes it off', async () => {
      const { call } = await adminApi(h.server);
      const response = await call('POST', '/connections', { name: 'api-hr', source: `file:${h.dir}/users.csv`, target: h.proxy.baseUrl, secret: h.directory.secret });
      assert.equal(response.status, 201, response.text);
      assert.equal(response.body.connection.settings.schedule, 'off');
    });
  });
}
