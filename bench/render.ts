import { readFileSync } from 'node:fs';
import { resultsMarkdown, type BenchResults } from './results-markdown.js';

/**
 * Prints the markdown report of a results file again, with the current report layout:
 * `node dist/bench/render.js bench/results/<stem>.json`.
 */
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node dist/bench/render.js bench/results/<stem>.json\n');
  process.exit(2);
}
process.stdout.write(`${resultsMarkdown(JSON.parse(readFileSync(file, 'utf8')) as BenchResults)}\n`);
