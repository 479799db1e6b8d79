import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** People as a directory exports them (Graph-style attributes), with groups and their members. */
function people(overrides: Record<string, Record<string, unknown>> = {}) {
  const users: Record<string, unknown>[] = [
    { id: 'id-boss', userPrincipalName: 'Boss@Contoso.com', mail: 'boss@contoso.com', givenName: 'Björn', surname: 'Berg', department: 'Board', country: 'NO', accountEnabled: true, employeeId: '1' },
    { id: 'id-zoe', userPrincipalName: 'zoe@contoso.com', givenName: 'Zoë', surname: 'Smith', department: 'Sales', jobTitle: 'Rep', country: 'DE', accountEnabled: true, manager: 'id-boss', employeeId: '2' },
    { id: 'id-tmp', userPrincipalName: 'tmp@contoso.com', givenName: 'Tim', surname: 'Temp', department: 'Contractors', accountEnabled: true },
  ];
  return {
    users: users.map((u) => ({ ...u, ...overrides[u.id as string] })),
    groups: [{ id: 'grp-sales', displayName: 'Sales', members: ['id-zoe', 'id-tmp', 'boss@contoso.com'] }],
  };
}

const MAPPING = {
  users: [
    { target: 'userName', source: 'userPrincipalName', matching: 1 },
    { target: 'externalId', source: 'id', matching: 2 },
    { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
    { target: 'displayName', expression: 'Join(" ", [givenName], [surname])' },
    { target: 'emails[type eq "work"].value', expression: 'ToLower(Coalesce([mail], [userPrincipalName]))' },
    { target: 'nickName', expression: 'NormalizeDiacritics(Left([givenName], 3))' },
    { target: 'title', source: 'jobTitle', defaultIfNull: 'Staff' },
    { target: 'userType', constant: 'Employee' },
    { target: 'preferredLanguage', expression: 'Switch([country], "en-US", "NO", "nb-NO", "DE", "de-DE")' },
    { target: `${ENTERPRISE}:employeeNumber`, source: 'employeeId', apply: 'create' },
    { target: 'manager', source: 'manager' },
  ],
};

for (const backend of BACKENDS) {
  describe(`a JSON directory export with custom mappings over OAuth on ${backend}`, () => {
    let h: EngineHarness;
    before(async () => {
      h = await EngineHarness.start(backend);
      h.file('people.json', JSON.stringify(people()));
      h.file('mapping.json', JSON.stringify(MAPPING));
      const [secret] = await h.server.store.listSecrets(h.directory.id);
      await h.connect('contoso', {
        source: `file:${h.dir}/people.json`,
        mapping: `${h.dir}/mapping.json`,
        scopeUsers: 'department ne "Contractors"',
        secret: undefined,
        tokenUrl: `${h.server.origin}/oauth/token`,
        clientId: secret.id,
        clientSecret: h.directory.secret,
      });
    });
    after(() => h.close());

    it('provisions through expressions, constants, defaults and create-only values with an OAuth access token', async () => {
      const report = await h.sync('contoso');
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.deepEqual([report.summary.created, report.summary.failed], [3, 0], 'two users and the group');
      const authorizations = new Set(h.proxy.exchanges.map((e) => e.authorization));
      assert.equal(authorizations.size, 1, 'one access token for the whole cycle');
      assert.ok(![...authorizations][0]!.includes(h.directory.secret), 'the client secret only goes to the token endpoint');
      const users = await h.targetUsers();
      assert.deepEqual([...users.keys()].sort(), ['Boss@Contoso.com', 'zoe@contoso.com'], 'the contractor is out of scope');
      const zoe = users.get('zoe@contoso.com')!;
      assert.equal(zoe.displayName, 'Zoë Smith');
      assert.equal(zoe.nickName, 'Zoe');
      assert.deepEqual(zoe.emails, [{ type: 'work', value: 'zoe@contoso.com' }]);
      assert.equal(zoe.title, 'Rep');
      assert.equal(zoe.userType, 'Employee');
      assert.equal(zoe.preferredLanguage, 'de-DE');
      assert.equal(zoe.externalId, 'id-zoe');
      assert.equal(zoe[ENTERPRISE].employeeNumber, '2');
      assert.equal(zoe[ENTERPRISE].manager.value, users.get('Boss@Contoso.com')!.id);
      const boss = users.get('Boss@Contoso.com')!;
      assert.equal(boss.title, 'Staff', 'default if null, on create');
      assert.equal(boss.nickName, 'Bjo');
      assert.deepEqual(boss.emails, [{ type: 'work', value: 'boss@contoso.com' }]);
      const sales = (await h.targetGroups()).get('Sales')!;
      assert.deepEqual(sales.members.map((m: { value: string }) => m.value).sort(), [zoe.id, boss.id].sort(), 'members out of scope are left out');
    });

    it('sends what the expressions now give, leaves create-only values, and disables by scope and by accountEnabled', async () => {
      h.file('people.json', JSON.stringify(people({ 'id-zoe': { givenName: 'Zoé', employeeId: '99', jobTitle: null }, 'id-boss': { accountEnabled: false } })));
      h.proxy.reset();
      const report = await h.sync('contoso');
      assert.deepEqual([report.summary.updated, report.summary.disabled, report.summary.failed], [1, 1, 0]);
      const patches = h.proxy.exchanges.filter((e) => e.method === 'PATCH').map((e) => JSON.parse(e.body).Operations);
      const zoeOps = patches.find((ops) => ops.some((op: { path: string }) => op.path === 'displayName'));
      assert.deepEqual(zoeOps, [
        { op: 'replace', path: 'displayName', value: 'Zoé Smith' },
      ], 'the nickname is unchanged (NormalizeDiacritics), employeeNumber is create-only, and a cleared title with a default is left alone (Entra)');
      const users = await h.targetUsers();
      assert.equal(users.get('zoe@contoso.com')![ENTERPRISE].employeeNumber, '2');
      assert.equal(users.get('zoe@contoso.com')!.title, 'Rep');
      assert.equal(users.get('Boss@Contoso.com')!.active, false);
    });
  });
}
