import { readdirSync } from 'node:fs';

// Mutation testing (StrykerJS, `npm run mutation`; not part of `npm test` or CI). Mutates the
// compiled JavaScript in dist/ (tsc keeps its shape line for line) and runs node:test files
// through the TAP runner. One area at a time, one test process at a time: the machine is shared.
// MUTATION_AREA picks the area; scripts/mutation.ts runs them in turn and sums up.
const AREAS = {
  'scim-filter': { mutate: ['dist/src/scim/filter/*.js'], tests: ['dist/src/scim/filter/*.test.js'] },
  'scim-path': { mutate: ['dist/src/scim/path/*.js'], tests: ['dist/src/scim/path/*.test.js'] },
  'scim-patch': { mutate: ['dist/src/scim/patch/*.js'], tests: ['dist/src/scim/patch/*.test.js'] },
  'scim-resource': { mutate: ['dist/src/scim/resource/*.js'], tests: ['dist/src/scim/resource/*.test.js', 'dist/src/scim/json-depth.test.js'] },
  'scim-list': { mutate: ['dist/src/scim/list/*.js', 'dist/src/scim/*.js'], tests: ['dist/src/scim/list/*.test.js', 'dist/src/scim/*.test.js'] },
  'sql-filter': { mutate: ['dist/src/store/sql/filter-compiler.js'], tests: ['dist/test/store/sql-filter-compiler.test.js', 'dist/test/store/sql-filter-edges.test.js', 'dist/test/store/sql-filter-scalars.test.js'] },
  'sql-sort': { mutate: ['dist/src/store/sql/sort-compiler.js'], tests: ['dist/test/store/sql-sort-compiler.test.js'] },
};
/** The files a pattern names; only `*` in the last segment is needed here. */
function expand(pattern) {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash);
  const name = new RegExp(`^${pattern.slice(slash + 1).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
  return readdirSync(dir).filter((file) => name.test(file)).map((file) => `${dir}/${file}`);
}

const area = process.env.MUTATION_AREA ?? 'scim-filter';
if (!AREAS[area]) throw new Error(`MUTATION_AREA must be one of ${Object.keys(AREAS).join(', ')}`);

export default {
  testRunner: 'tap',
  // The fuzz properties are left out: each mutant would run thousands of generated cases.
  // The tap runner's glob takes no `!` patterns, so the properties are filtered out here.
  tap: { testFiles: AREAS[area].tests.flatMap(expand).filter((file) => !file.endsWith('.property.test.js')), forceBail: true },
  mutate: [...AREAS[area].mutate, '!dist/**/*.test.js'],
  // dist/ is git-ignored, which Stryker honours; the compiled code is what runs, so it is put back.
  ignorePatterns: ['/bench', '/console', '/docs', '/reports', '/.tools', '/src', '/test', '/data', '!/dist', '/dist/console', '/dist/bench'],
  concurrency: 1,
  incremental: true,
  incrementalFile: `reports/mutation/${area}.incremental.json`,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${area}.json` },
  thresholds: { high: 90, low: 80, break: null },
  // A mutant that loops forever costs this much; unit tests take well under a second, the SQL
  // areas' server tests a few seconds.
  timeoutMS: area.startsWith('sql-') ? 20_000 : 5_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
