import assert from 'node:assert/strict';
import { matchesResource } from '../../../src/scim/filter/evaluate.js';
import { parseFilter } from '../../../src/scim/filter/parser.js';
import type { ResourceModel } from '../../../src/scim/schema/resource-models.js';
import type { TestDirectory } from '../../support/test-server.js';

/** Ids stand in for the `{name}` placeholders of a filter. */
export function withIds(filter: string, ids: Map<string, string>): string {
  return filter.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const id = ids.get(name);
    assert.ok(id, `no id for ${name}`);
    return id;
  });
}

/**
 * Every filter must select through SQL (the list endpoint) exactly what the protocol core's
 * evaluator selects from the representations, with the same totalResults. Returns the sizes of
 * the selections, so a caller can check its filters tell the resources apart.
 */
export async function compareWithEvaluator(dir: TestDirectory, endpoint: '/Users' | '/Groups', model: ResourceModel, resources: Record<string, any>[], filters: string[], ids = new Map<string, string>()): Promise<Set<number>> {
  const mismatches: string[] = [];
  const sizes = new Set<number>();
  const nameOf = (r: Record<string, any>) => String(r.userName ?? r.displayName);
  for (const template of filters) {
    const filter = withIds(template, ids);
    const expected = resources.filter((r) => matchesResource(parseFilter(filter), r, model)).map(nameOf).sort();
    sizes.add(expected.length);
    const response = await dir.request('GET', `${endpoint}?count=1000&filter=${encodeURIComponent(filter)}`);
    if (response.status !== 200) {
      mismatches.push(`${template}: ${response.status} ${response.text.slice(0, 200)}`);
      continue;
    }
    const selected = (response.body.Resources ?? []).map(nameOf).sort();
    if (JSON.stringify(selected) !== JSON.stringify(expected)) mismatches.push(`${template}: SQL ${JSON.stringify(selected)}, evaluator ${JSON.stringify(expected)}`);
    if (response.body.totalResults !== expected.length) mismatches.push(`${template}: totalResults ${response.body.totalResults}, expected ${expected.length}`);
  }
  assert.deepEqual(mismatches, []);
  return sizes;
}
