import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CATALOGUE } from '../../src/check/catalogue.js';
import { runChecks } from '../../src/check/run-checks.js';
import type { CheckReport } from '../../src/check/check-types.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { CHECK_FAULTS, GOOD_TOKEN } from './support/check-faults.js';
import { BROKEN_SERVER_FAULTS } from './support/broken-server.js';
import { startFaultProxy, type Fault } from './support/fault-proxy.js';

/**
 * The checks no fault here can fail, and why: latency.entra-deadline needs an answer slower than
 * Entra's 60 s, which no test should wait for.
 */
const NOT_SHOWN = ['latency.entra-deadline'];

describe(`every scimd check fails against a server broken in exactly its way (real scimd behind a fault proxy, ${BACKENDS[0]})`, () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer(BACKENDS[0]);
    token = (await server.createDirectory()).secret;
    GOOD_TOKEN.value = `Bearer ${token}`;
  });
  after(() => server.close());

  async function run(fault: Fault, only?: string[]): Promise<CheckReport> {
    const proxy = await startFaultProxy(server.baseUrl, fault);
    try {
      return await runChecks({ baseUrl: proxy.baseUrl, token, profile: 'all', only });
    } finally {
      await proxy.close();
    }
  }

  test('through the proxy without a fault every check passes', async () => {
    const report = await run({});
    const notPassed = report.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.id}: ${r.verdict} ${r.message}`);
    assert.deepEqual(notPassed, []);
    assert.equal(report.results.length, CATALOGUE.length);
  });

  test('every check but the listed ones is failed by some named fault', () => {
    const shown = new Set([...CHECK_FAULTS.flatMap((f) => f.catches), ...BROKEN_SERVER_FAULTS.map(([, id]) => id)]);
    const ids = CATALOGUE.map((c) => c.id);
    for (const id of shown) assert.ok(ids.includes(id), `${id} is not a check`);
    assert.deepEqual(ids.filter((id) => !shown.has(id)), NOT_SHOWN);
    assert.equal(new Set(CHECK_FAULTS.map((f) => f.name)).size, CHECK_FAULTS.length, 'fault names are unique');
  });

  for (const { name, catches, alsoFails = [], fault } of CHECK_FAULTS) {
    // Every check of the families the fault touches runs (auth, filter, patch, …): exactly the named ones may fail.
    const expected = [...catches, ...alsoFails].sort();
    const families = [...new Set(expected.map((id) => id.split('.')[0]))];
    test(`${name}: ${catches.join(', ')} fail${catches.length === 1 ? 's' : ''}${alsoFails.length ? ` (and ${alsoFails.join(', ')})` : ''}, no other ${families.join('/')} check`, async () => {
      const results = (await run(fault, families)).results;
      const failed = results.filter((r) => r.verdict === 'fail').map((r) => r.id);
      assert.deepEqual(failed.sort(), expected, `failed: ${failed.join(', ')}`);
      for (const result of results.filter((r) => expected.includes(r.id))) {
        assert.ok(result.message && result.message.length > 10, 'a failure says what was wrong');
        if (result.id !== 'latency.okta-groups') assert.ok((result.evidence ?? []).length > 0, `${result.id}: a failure carries the exchange that proves it`);
      }
      assert.ok(results.every((r) => r.verdict !== 'skip'), 'nothing was skipped');
    });
  }
});
