import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runChecks } from '../../src/check/run-checks.js';
import type { CheckResult } from '../../src/check/check-types.js';
import { BROKEN_SERVER_FAULTS as FAULTS, startBrokenServer, type Fault } from './support/broken-server.js';

async function runOne(faults: Fault[], id: string): Promise<{ result: CheckResult; leftovers: number }> {
  const server = await startBrokenServer(faults);
  try {
    const report = await runChecks({ baseUrl: server.baseUrl, token: server.token, profile: 'all', only: [id] });
    const { users, groups } = server.resources();
    assert.equal(report.results.length, 1);
    return { result: report.results[0], leftovers: users.length + groups.length };
  } finally {
    await server.close();
  }
}

describe('scimd check against a deliberately broken server', () => {
  for (const [fault, id] of FAULTS) {
    test(`${id} passes on the well-behaved server and fails with evidence when it ${fault}`, async () => {
      const good = await runOne([], id);
      assert.equal(good.result.verdict, 'pass', `without the fault: ${good.result.message}`);
      const bad = await runOne([fault], id);
      assert.equal(bad.result.verdict, 'fail', `the fault ${fault} went unnoticed`);
      assert.ok(bad.result.message && bad.result.message.length > 10, 'a failure says what was wrong');
      if (id !== 'latency.okta-groups' || bad.result.evidence?.length) {
        const evidence = bad.result.evidence ?? [];
        assert.ok(evidence.length > 0, 'a failure carries the exchange that proves it');
        assert.ok(evidence[0].request.method && evidence[0].request.url.startsWith('/'), 'the evidence names the request');
      }
      // The duplicate-userName fault makes objects cleanup must find by the prefix too.
      assert.equal(bad.leftovers, 0, 'the run deleted what it created');
    });
  }

  test('filter checks are skipped, with the reason, when the server does not advertise filtering', async () => {
    const server = await startBrokenServer(['noFilterAdvertised']);
    after(() => server.close());
    const report = await runChecks({ baseUrl: server.baseUrl, token: server.token, profile: 'all', only: ['filter', 'discovery.filter-truthful'] });
    assert.ok(report.results.length > 10);
    for (const result of report.results) {
      assert.equal(result.verdict, 'skip', result.id);
      assert.match(result.message ?? '', /does not advertise filter\.supported/);
    }
    assert.equal(report.summary.fail, 0);
  });

  test('the evidence of a 401 failure shows the request without the secret and the response excerpt', async () => {
    const server = await startBrokenServer(['plainErrorBody']);
    after(() => server.close());
    const report = await runChecks({ baseUrl: server.baseUrl, token: server.token, profile: 'all', only: ['auth.no-token'] });
    const [evidence] = report.results[0].evidence ?? [];
    assert.equal(evidence.request.headers?.Authorization, '(none)');
    assert.equal(evidence.status, 401);
    assert.equal(evidence.excerpt, 'Unauthorized');
    assert.ok(!JSON.stringify(report).includes(server.token), 'the token never appears in a report');
  });
});
