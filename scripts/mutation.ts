import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * `npm run mutation [-- area …]`: StrykerJS over the protocol core and the SQL compilers, one area
 * at a time with one test process (stryker.config.mjs says what each area mutates and which fast
 * tests it runs), in incremental mode so a second run only tests what changed. Prints each area's
 * mutation score. Not part of `npm test` or CI.
 */
const AREAS = ['scim-filter', 'scim-path', 'scim-patch', 'scim-resource', 'scim-list', 'sql-filter', 'sql-sort'];

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

/** Killed (and timed-out) mutants over all that could be tested, as Stryker counts its score. */
function score(report: Report): { detected: number; undetected: number; percent: number } {
  const statuses = Object.values(report.files).flatMap((file) => file.mutants.map((m) => m.status));
  const detected = statuses.filter((s) => s === 'Killed' || s === 'Timeout').length;
  const undetected = statuses.filter((s) => s === 'Survived' || s === 'NoCoverage').length;
  return { detected, undetected, percent: detected + undetected ? (100 * detected) / (detected + undetected) : 100 };
}

const asked = process.argv.slice(2);
const unknown = asked.filter((area) => !AREAS.includes(area));
if (unknown.length) {
  console.error(`unknown area(s) ${unknown.join(', ')}; known: ${AREAS.join(', ')}`);
  process.exit(2);
}
const lines: string[] = [];
for (const area of asked.length ? asked : AREAS) {
  console.log(`\n== mutation testing: ${area}`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
    stdio: 'inherit',
    // Property tests run a few dozen cases each (SCIMD_FUZZ_RUNS), server tests on SQLite only.
    env: { ...process.env, MUTATION_AREA: area, SCIMD_FUZZ_RUNS: process.env.SCIMD_FUZZ_RUNS ?? '30', SCIMD_TEST_BACKENDS: 'sqlite' },
  });
  const file = `reports/mutation/${area}.json`;
  if (run.status !== 0 || !existsSync(file)) {
    lines.push(`${area}: Stryker failed (exit ${run.status})`);
    continue;
  }
  const { detected, undetected, percent } = score(JSON.parse(readFileSync(file, 'utf8')) as Report);
  lines.push(`${area}: ${percent.toFixed(1)} % (${detected} detected, ${undetected} survived or not covered)`);
}
console.log(`\nmutation scores\n${lines.join('\n')}`);
