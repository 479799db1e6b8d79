import fc from 'fast-check';

/**
 * fast-check parameters for every property test: a fixed seed, so a CI failure replays the same
 * way on a laptop, and a bounded number of runs. `SCIMD_FUZZ_RUNS=<n>` raises the runs for a long
 * session by hand; `SCIMD_FUZZ_SEED=<n>` explores other inputs than CI does.
 */
export function fuzzParameters<T>(ciRuns: number): fc.Parameters<T> {
  const runs = Number(process.env.SCIMD_FUZZ_RUNS ?? '') || ciRuns;
  const seed = Number(process.env.SCIMD_FUZZ_SEED ?? '') || 0x5c1d;
  return { numRuns: runs, seed, endOnFailure: true, includeErrorInReport: true };
}

/** How many runs a property gets: the CI figure, or SCIMD_FUZZ_RUNS when set. */
export function fuzzRuns(ciRuns: number): number {
  return Number(process.env.SCIMD_FUZZ_RUNS ?? '') || ciRuns;
}

/** Text clients could send that SQL would misread if it were ever spliced into a statement. */
export const SQL_METACHARACTERS = [
  "'",
  '"',
  ';',
  '--',
  '/*',
  '*/',
  '%',
  '_',
  '\\',
  '$1',
  '?',
  ':name',
  "' OR '1'='1",
  "'; DROP TABLE resources; --",
  '") OR 1=1 --',
  '1 UNION SELECT hash FROM secrets',
  'x\' || (SELECT 1) || \'',
  '$$',
  'E\'\\x00\'',
] as const;

/** Keys that would reach Object.prototype if a parser or merge copied them naively. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An arbitrary hostile string: SQL metacharacters, prototype keys, control characters and plain noise. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_METACHARACTERS, ...PROTOTYPE_KEYS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.tuple(fc.constantFrom(...SQL_METACHARACTERS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
);
