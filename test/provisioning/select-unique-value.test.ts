import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

/** Microsoft's SelectUniqueValue example, on nickName: first.last, then initial.last, then two letters.last. */
const NICKNAME = [
  'SelectUniqueValue(',
  'Join(".", [first], [last]),',
  'Join(".", Mid([first], 1, 1), [last]),',
  'Join(".", Mid([first], 1, 2), [last]))',
].join(' ');

const MAPPING = {
  users: [
    { target: 'userName', source: 'upn', matching: 1 },
    { target: 'nickName', expression: NICKNAME, apply: 'create' },
  ],
};

for (const backend of BACKENDS) {
  describe(`SelectUniqueValue against the target on ${backend}`, () => {
    let h: EngineHarness;
    /** The nickName values the engine asked the target about, in order. */
    const asked = () =>
      h.proxy.exchanges
        .filter((e) => e.method === 'GET' && e.path.includes('nickName'))
        .map((e) => /nickName eq "([^"]*)"/.exec(decodeURIComponent(new URL(e.path, 'http://x').searchParams.get('filter') ?? ''))?.[1]);

    before(async () => {
      h = await EngineHarness.start(backend);
      // Someone else already holds the first choice of both John Smiths.
      await h.directory.request('POST', '/Users', { userName: 'outsider@contoso.com', nickName: 'john.smith' });
      h.csv('users.csv', ['id', 'upn', 'first', 'last'], [
        ['u1', 'john1@contoso.com', 'John', 'Smith'],
        ['u2', 'john2@contoso.com', 'John', 'Smith'],
        ['u3', 'jo@contoso.com', 'Jo', 'Smith'],
      ]);
      h.file('mapping.json', JSON.stringify(MAPPING));
      await h.connect('contoso', { source: `file:${h.dir}/users.csv`, mapping: `${h.dir}/mapping.json` });
    });
    after(() => h.close());

    it('asks the target about each candidate in order and creates with the first one nobody holds', async () => {
      const report = await h.sync('contoso');
      assert.deepEqual([report.summary.created, report.summary.failed], [2, 1], report.cycle.message ?? '');
      // john1: John.Smith is taken (case-insensitively), J.Smith is free. john2: J.Smith went to
      // john1 in this cycle, so it is not asked about; Jo.Smith is free. jo: both of its values
      // (Jo.Smith, J.Smith) went to the others, so nothing is asked and it is not created.
      assert.deepEqual(asked(), ['John.Smith', 'J.Smith', 'John.Smith', 'Jo.Smith']);
      const users = await h.targetUsers();
      assert.equal(users.get('john1@contoso.com')!.nickName, 'J.Smith');
      assert.equal(users.get('john2@contoso.com')!.nickName, 'Jo.Smith');
      assert.equal(users.has('jo@contoso.com'), false);
      const failures = await h.store.readLog((await h.store.findConnection('contoso'))!.id, { result: 'failure', limit: 10 });
      assert.equal(failures.length, 1);
      assert.match(failures[0].detail ?? '', /SelectUniqueValue for nickName: every value is taken on the target \("Jo\.Smith", "J\.Smith"\)/);
    });

    it('leaves the chosen values alone on later cycles (apply on create)', async () => {
      h.proxy.reset();
      const report = await h.sync('contoso');
      assert.deepEqual([report.summary.created, report.summary.updated], [0, 0]);
      assert.equal(h.proxy.count('POST', 'PATCH', 'PUT'), 0);
      assert.equal((await h.targetUsers()).get('john1@contoso.com')!.nickName, 'J.Smith');
    });
  });
}
