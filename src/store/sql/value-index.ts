import { foldCase } from '../../scim/compare.js';
import { isJsonObject, type JsonObject } from '../../scim/json.js';
import type { ResourceTypeName } from '../../scim/schema/resource-models.js';

/**
 * Sub-attributes of multi-valued attributes that clients match on, kept folded in the
 * `resource_values` table so a lookup by them is an index probe rather than a scan of every
 * document. Entra matches users by `emails[type eq "work"].value`; the filter compiler adds the
 * index probe next to the exact JSON condition, so results stay exactly the same.
 */
export interface IndexedValue {
  type: ResourceTypeName;
  attribute: string;
  sub: string;
  /** The name stored in `resource_values.attribute`. */
  key: string;
}

export const INDEXED_VALUES: readonly IndexedValue[] = [{ type: 'User', attribute: 'emails', sub: 'value', key: 'emails.value' }];

export function indexedValueFor(type: ResourceTypeName, attribute: string, sub: string): IndexedValue | undefined {
  return INDEXED_VALUES.find((v) => v.type === type && v.attribute === attribute && v.sub === sub);
}

/** The (attribute, folded value) pairs a document contributes to the index, without duplicates. */
export function indexedValuesOf(type: ResourceTypeName, data: JsonObject): { key: string; value: string }[] {
  const rows: { key: string; value: string }[] = [];
  for (const indexed of INDEXED_VALUES) {
    if (indexed.type !== type) continue;
    const elements = data[indexed.attribute];
    if (!Array.isArray(elements)) continue;
    const seen = new Set<string>();
    for (const element of elements) {
      const value = isJsonObject(element) ? element[indexed.sub] : undefined;
      if (typeof value !== 'string') continue;
      const folded = foldCase(value);
      if (seen.has(folded)) continue;
      seen.add(folded);
      rows.push({ key: indexed.key, value: folded });
    }
  }
  return rows;
}

/**
 * Whether two documents contribute the same rows to the index, so a write from one to the other
 * can leave `resource_values` as it is (most PATCHes and PUTs do not change a user's emails).
 */
export function sameIndexedValues(type: ResourceTypeName, before: JsonObject, after: JsonObject): boolean {
  const [was, now] = [indexedValuesOf(type, before), indexedValuesOf(type, after)];
  return was.length === now.length && was.every((row, i) => row.key === now[i].key && row.value === now[i].value);
}
