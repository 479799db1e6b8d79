import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runChecks } from '../../src/check/run-checks.js';
import { startBrokenServer } from './support/broken-server.js';

/** test/fixtures in the source tree (the compiled test runs two folders deeper, under dist or a build folder). */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

/**
 * The shape of one PATCH operation, independent of ids and names: the op exactly as spelled (case
 * matters, Entra capitalises), the path with filter values blanked, and the kind of value
 * (JSON type; for objects the keys, which carry Entra's dotted and URN forms).
 */
function shape(op: Record<string, unknown>): string {
  const path = typeof op.path === 'string' ? op.path.replace(/"[^"]*"/g, '"…"') : '(none)';
  const value = op.value;
  const kind =
    value === undefined ? 'absent' : Array.isArray(value) ? `array of ${[...new Set(value.map((v) => (v && typeof v === 'object' ? Object.keys(v).sort().join('+') : typeof v)))].join('|')}` : value && typeof value === 'object' ? `object{${Object.keys(value).map((k) => k.replace(/^urn:.*:/, 'urn:…:')).sort().join(',')}}` : typeof value;
  return `${op.op} ${path} ${kind}`;
}

/** A pathless object whose keys are a subset of a recorded one's (Entra sends whichever attributes changed). */
function withinRecordedObject(sent: string, recorded: string): boolean {
  const [a, b] = [/^(.*) object\{(.*)\}$/.exec(sent), /^(.*) object\{(.*)\}$/.exec(recorded)];
  return !!a && !!b && a[1] === b[1] && a[2].split(',').every((key) => b[2].split(',').includes(key));
}

function fixtureShapes(): Set<string> {
  const shapes = new Set<string>();
  for (const idp of ['entra', 'okta']) {
    for (const scenario of readdirSync(join(FIXTURES, idp))) {
      for (const file of readdirSync(join(FIXTURES, idp, scenario)).filter((f) => f.endsWith('.json') && f !== 'variables.json')) {
        const fixture = JSON.parse(readFileSync(join(FIXTURES, idp, scenario, file), 'utf8'));
        if (fixture.request?.method !== 'PATCH') continue;
        for (const op of fixture.request.body.Operations) shapes.add(shape(op));
      }
    }
  }
  return shapes;
}

describe('the Entra and Okta PATCH forms of scimd check', () => {
  test('every operation the patch.entra* and patch.okta* checks send has the shape of a recorded Entra or Okta request in test/fixtures', async () => {
    const recorded = fixtureShapes();
    assert.ok(recorded.size > 20, 'the fixtures were read');
    const server = await startBrokenServer();
    after(() => server.close());
    const report = await runChecks({ baseUrl: server.baseUrl, token: server.token, profile: 'all', only: ['patch.entra', 'patch.entra-flag', 'patch.okta', 'patch.group-rename'] });
    assert.ok(report.results.length >= 10);
    assert.deepEqual(report.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.id}: ${r.message}`), []);
    const sent = server.requests.filter((r) => r.method === 'PATCH').flatMap((r) => (r.body as { Operations: Record<string, unknown>[] }).Operations);
    assert.ok(sent.length >= 15);
    const unknown = [...new Set(sent.map(shape))].filter((s) => !recorded.has(s) && ![...recorded].some((r) => withinRecordedObject(s, r)));
    assert.deepEqual(unknown, [], `shapes not found in any fixture (recorded: ${[...recorded].join('; ')})`);
  });
});
