import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const REPORTER = fileURLToPath(new URL('./failure-summary-reporter.js', import.meta.url));

/** A test file with one passing test, one failing test and a suite whose hook fails. */
const FIXTURE = `
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
describe('a suite', () => {
  it('passes', () => {});
  it('compares wrongly', () => assert.equal(1, 2, 'one is not two'));
});
describe('a suite whose hook fails', () => {
  before(() => { throw new Error('the hook broke'); });
  it('never runs', () => {});
});
`;

describe('the failure summary reporter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-reporter-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('repeats each failed test and each failed hook at the end, with place and error, and nothing else', () => {
    const file = join(dir, 'fixture.test.mjs');
    writeFileSync(file, FIXTURE);
    // The child is a run of its own, not a subtest of this one.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(process.execPath, ['--test', `--test-reporter=${REPORTER}`, '--test-reporter-destination=stdout', file], { env, encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    const out = run.stdout;
    assert.match(out, /# 2 failures/);
    assert.match(out, /# ✖ compares wrongly\n# {3}at .*fixture\.test\.mjs:6/);
    assert.match(out, /one is not two/);
    assert.match(out, /# ✖ a suite whose hook fails\n/);
    assert.match(out, /the hook broke/);
    assert.doesNotMatch(out, /never runs|✖ a suite\n|✖ passes/, 'cancelled tests and suites that only contain failures are not repeated');
    assert.doesNotMatch(out, /node:internal/);
  });
});
