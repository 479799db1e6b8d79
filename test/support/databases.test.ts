import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { parseBackends } from './databases.js';

const DATABASES = pathToFileURL(fileURLToPath(new URL('./databases.js', import.meta.url))).href;

/** A test file that runs one test per configured backend, as the server suites do. */
const FIXTURE = `
import { it } from 'node:test';
import { BACKENDS } from ${JSON.stringify(DATABASES)};
for (const backend of BACKENDS) it('runs on ' + backend, () => {});
`;

describe('SCIMD_TEST_BACKENDS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-backends-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (backends: string) => {
    const file = join(dir, 'fixture.test.mjs');
    writeFileSync(file, FIXTURE);
    const env: NodeJS.ProcessEnv = { ...process.env, SCIMD_TEST_BACKENDS: backends };
    delete env.NODE_TEST_CONTEXT; // a run of its own, not a subtest of this one
    return spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { env, encoding: 'utf8' });
  };

  it('parses known names, trims them and drops repeats', () => {
    assert.deepEqual(parseBackends('sqlite'), ['sqlite']);
    assert.deepEqual(parseBackends(' postgres , sqlite,postgres'), ['postgres', 'sqlite']);
  });

  it('refuses an unknown or empty name instead of filtering it away', () => {
    assert.throws(() => parseBackends('sqllite'), /unknown backend\(s\) "sqllite"; known: sqlite, postgres/);
    assert.throws(() => parseBackends('sqlite,'), /unknown backend\(s\) ""/);
    assert.throws(() => parseBackends(''), /unknown backend/);
  });

  it('makes a run with a misspelled backend fail, not pass with zero tests', () => {
    const result = run('sqllite');
    assert.notEqual(result.status, 0, result.stdout);
    assert.match(result.stdout + result.stderr, /unknown backend\(s\) "sqllite"/);
    assert.doesNotMatch(result.stdout, /^# pass [1-9]/m);
  });

  it('prints the backends a run used', () => {
    const result = run('sqlite');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /# test backends: sqlite \(SCIMD_TEST_BACKENDS\); PostgreSQL \S+:\d+/);
    assert.match(result.stdout, /^# pass 1$/m);
  });
});
