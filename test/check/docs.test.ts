import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CATALOGUE } from '../../src/check/catalogue.js';

test('docs/check.md lists every check of the catalogue by its id', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/check.md', import.meta.url)), 'utf8');
  const missing = CATALOGUE.filter((c) => !doc.includes(`| \`${c.id}\` |`)).map((c) => c.id);
  assert.deepEqual(missing, []);
});
