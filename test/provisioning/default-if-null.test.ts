import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const MAPPING = {
  users: [
    { target: 'userName', source: 'userPrincipalName', matching: 1 },
    { target: `${ENTERPRISE}:division`, source: 'division', defaultIfNull: 'Unassigned' },
  ],
};

for (const backend of BACKENDS) {
  describe(`defaultIfNull over several cycles on ${backend}`, () => {
    let h: EngineHarness;
    const writeUsers = (division: string | null) => h.csv('users.csv', ['id', 'userPrincipalName', 'division'], [['u1', 'zoe@contoso.com', division]]);
    const division = async () => (await h.targetUsers()).get('zoe@contoso.com')?.[ENTERPRISE]?.division;
    const writes = () => h.proxy.exchanges.filter((e) => e.method !== 'GET');

    before(async () => {
      h = await EngineHarness.start(backend);
      writeUsers(null);
      h.file('mapping.json', JSON.stringify(MAPPING));
      await h.connect('contoso', { source: `file:${h.dir}/users.csv`, mapping: `${h.dir}/mapping.json` });
    });
    after(() => h.close());

    it('sends the default when the user is created', async () => {
      const report = await h.sync('contoso');
      assert.equal(report.summary.created, 1, report.cycle.message ?? '');
      assert.equal(await division(), 'Unassigned');
    });

    it('sends nothing on the next cycle while the source value stays null', async () => {
      h.proxy.reset();
      const report = await h.sync('contoso');
      assert.deepEqual([report.summary.updated, report.summary.failed], [0, 0]);
      assert.deepEqual(writes().map((e) => `${e.method} ${e.body}`), [], 'no PATCH removes the default');
      assert.equal(await division(), 'Unassigned');
    });

    it('sends a real value when the source gets one', async () => {
      writeUsers('Sales');
      h.proxy.reset();
      await h.sync('contoso');
      assert.deepEqual(writes().map((e) => JSON.parse(e.body).Operations), [[{ op: 'replace', path: `${ENTERPRISE}:division`, value: 'Sales' }]]);
      assert.equal(await division(), 'Sales');
    });

    it('never sends a removal when the source value becomes null again', async () => {
      writeUsers(null);
      h.proxy.reset();
      const report = await h.sync('contoso');
      assert.deepEqual(writes(), []);
      assert.equal(report.summary.updated, 0);
      assert.equal(await division(), 'Sales', 'the target keeps its value, as under Entra');
    });
  });
}
