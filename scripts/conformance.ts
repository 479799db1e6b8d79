/**
 * Runs Microsoft's SCIM reference Postman collection (../shared/conformance) against a real
 * `scimd serve` on a fresh database, and fails when an assertion fails that is not a deliberate
 * deviation (scripts/conformance-deviations.ts, explained in docs/compatibility.md).
 *
 *   npm run conformance                          fresh temporary SQLite file
 *   npm run conformance -- --backend postgres    fresh PostgreSQL database (SCIMD_TEST_POSTGRES)
 *   npm run conformance -- --verbose             also print newman's own report
 *
 * newman is installed on first use into .tools/ (ignored by git), never into package.json.
 * SCIMD_CONFORMANCE_DIR points at the collection folder when it is not ../shared/conformance.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTestDatabase, type Backend, type TestDatabase } from '../test/support/databases.js';
import { DEVIATIONS, type Deviation } from './conformance-deviations.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const TOOLS = join(ROOT, '.tools');
const NEWMAN = join(TOOLS, 'node_modules', '.bin', 'newman');
const NEWMAN_VERSION = '6';

interface Outcome {
  request: string;
  assertion: string;
  passed: boolean;
  message?: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'sqlite' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run conformance -- [--backend sqlite|postgres] [--verbose]\n');
    return 0;
  }
  const backend = values.backend as Backend;
  if (backend !== 'sqlite' && backend !== 'postgres') throw new Error(`--backend must be sqlite or postgres, not ${backend}`);

  const suite = resolve(process.env.SCIMD_CONFORMANCE_DIR ?? join(ROOT, '..', 'shared', 'conformance'));
  const runner = join(suite, 'run-microsoft-suite.sh');
  if (!existsSync(runner)) {
    process.stderr.write(`conformance: ${runner} not found; set SCIMD_CONFORMANCE_DIR to the folder holding the collection\n`);
    return 2;
  }
  ensureNewman();

  const work = mkdtempSync(join(tmpdir(), 'scimd-conformance-'));
  const database = await createTestDatabase(backend);
  let server: ChildProcess | undefined;
  try {
    const started = await startServer(database.url, join(work, 'server.log'));
    server = started.child;
    const directory = cliJson(database, ['directory', 'create', 'conformance']) as { id: string };
    const token = cliJson(database, ['token', 'create', directory.id, '--name', 'newman', '--expires-in', '1d']) as { secret: string };
    process.stdout.write(`conformance: scimd on ${backend} at ${started.origin}/scim/v2, directory ${directory.id}\n`);

    const report = join(work, 'newman.json');
    const log = join(work, 'newman.log');
    const run = spawnSync('bash', [runner, '127.0.0.1', String(started.port), 'scim/v2', token.secret], {
      cwd: work,
      env: { ...process.env, NEWMAN, OUT_JSON: report },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    writeFileSync(log, `${run.stdout ?? ''}${run.stderr ?? ''}`);
    if (values.verbose) process.stdout.write(run.stdout ?? '');
    if (!existsSync(report)) {
      process.stderr.write(`conformance: newman wrote no report (exit ${run.status}); see ${log}\n${run.stderr ?? ''}`);
      return 2;
    }
    const code = summarise(readOutcomes(report), readServerErrors(report));
    process.stdout.write(`newman report: ${report}\nnewman log:    ${log}\nserver log:    ${join(work, 'server.log')}\n`);
    return code;
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((done) => server!.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    await database.drop();
  }
}

/** Installs newman into .tools/ with its own package.json, so the project's stays untouched. */
function ensureNewman(): void {
  if (existsSync(NEWMAN)) return;
  mkdirSync(TOOLS, { recursive: true });
  const manifest = join(TOOLS, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "name": "scimd-tools", "private": true }\n');
  process.stdout.write(`conformance: installing newman@${NEWMAN_VERSION} into ${TOOLS}\n`);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `newman@${NEWMAN_VERSION}`], {
    cwd: TOOLS,
    stdio: 'inherit',
  });
  if (install.status !== 0 || !existsSync(NEWMAN)) throw new Error('could not install newman into .tools/');
}

/** Starts `scimd serve --port 0` and reads the port it chose from its first line. */
async function startServer(db: string, logFile: string): Promise<{ child: ChildProcess; port: number; origin: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--host', '127.0.0.1', '--port', '0', '--no-bootstrap', '--log-level', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.once('exit', () => writeFileSync(logFile, output));
  const origin = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`scimd did not start within 20 s:\n${output}`)), 20_000);
    const look = () => {
      const match = /scimd serving (http:\/\/[^\s/]+)\/scim\/v2/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`scimd serve exited with ${code}:\n${output}`));
    });
  });
  return { child, origin, port: Number(new URL(origin).port) };
}

/** Runs a scimd CLI command with --json and returns the one document it prints. */
function cliJson(database: TestDatabase, args: string[]): unknown {
  const result = spawnSync(process.execPath, [CLI, ...args, '--db', database.url, '--json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scimd ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

interface NewmanItem {
  id: string;
  name: string;
  item?: NewmanItem[];
}

interface NewmanReport {
  collection: { item: NewmanItem[] };
  run: {
    executions: {
      item: { id: string; name: string };
      response?: { code: number };
      requestError?: { message: string };
      assertions?: { assertion: string; skipped?: boolean; error?: { message: string } }[];
    }[];
  };
}

/** Every assertion newman ran, its request named `Folder / Request` as in newman's own report. */
function readOutcomes(reportFile: string): Outcome[] {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as NewmanReport;
  const names = new Map<string, string>();
  const index = (items: NewmanItem[], prefix: string) => {
    for (const item of items) {
      const name = prefix ? `${prefix} / ${item.name}` : item.name;
      if (item.item) index(item.item, name);
      else names.set(item.id, name);
    }
  };
  index(report.collection.item, '');
  const outcomes: Outcome[] = [];
  const seen = new Map<string, number>();
  for (const execution of report.run.executions) {
    // The collection reuses some request names ("Get group by id" twice); the 2nd one is "… #2".
    const name = names.get(execution.item.id) ?? execution.item.name;
    const occurrence = (seen.get(name) ?? 0) + 1;
    seen.set(name, occurrence);
    const request = occurrence === 1 ? name : `${name} #${occurrence}`;
    if (execution.requestError) outcomes.push({ request, assertion: '(request)', passed: false, message: execution.requestError.message });
    for (const a of execution.assertions ?? []) {
      if (a.skipped) continue;
      outcomes.push({ request, assertion: a.assertion, passed: !a.error, message: a.error?.message });
    }
  }
  return outcomes;
}

/** Requests scimd answered with a 5xx: never acceptable, whatever the collection asserts. */
function readServerErrors(reportFile: string): Outcome[] {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as NewmanReport;
  return report.run.executions
    .filter((e) => (e.response?.code ?? 0) >= 500 && e.response?.code !== 501)
    .map((e) => ({ request: e.item.name, assertion: '(no 5xx)', passed: false, message: `answered ${e.response!.code}` }));
}

function summarise(outcomes: Outcome[], serverErrors: Outcome[]): number {
  const matches = (d: Deviation, o: Outcome) => d.request === o.request && d.assertion === o.assertion;
  const failed = outcomes.filter((o) => !o.passed);
  const passed = outcomes.length - failed.length;
  const deliberate = failed.filter((o) => DEVIATIONS.some((d) => matches(d, o)));
  const unexpected = [...failed.filter((o) => !DEVIATIONS.some((d) => matches(d, o))), ...serverErrors];
  const stale = DEVIATIONS.filter((d) => !failed.some((o) => matches(d, o)));

  process.stdout.write(`\n${passed} of ${outcomes.length} assertions pass; ${failed.length} fail (${deliberate.length} deliberate deviations).\n`);
  if (deliberate.length) {
    process.stdout.write('\nDeliberate deviations (docs/compatibility.md):\n');
    for (const o of deliberate) {
      const reason = DEVIATIONS.find((d) => matches(d, o))!.reason;
      process.stdout.write(`  - ${o.request} › ${o.assertion}: ${o.message}\n      ${reason}\n`);
    }
  }
  if (unexpected.length) {
    process.stdout.write('\nUnexpected failures:\n');
    for (const o of unexpected) process.stdout.write(`  ✗ ${o.request} › ${o.assertion}: ${o.message}\n`);
  }
  if (stale.length) {
    process.stdout.write('\nListed as deviations but no longer failing (remove them from scripts/conformance-deviations.ts):\n');
    for (const d of stale) process.stdout.write(`  ! ${d.request} › ${d.assertion}\n`);
  }
  return unexpected.length === 0 && stale.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
