import { foldCase } from '../../scim/compare.js';
import type { JsonValue } from '../../scim/json.js';
import { isAuthenticationFailure } from '../client/client-errors.js';
import type { ResourceEndpoint, ScimClient } from '../client/scim-client.js';
import { eqFilter } from '../client/scim-filter-text.js';
import type { DesiredObject } from '../planner/desired-state.js';
import type { ResourceConfig } from '../planner/resource-config.js';
import { leafDefinition } from './target-path.js';

/**
 * SelectUniqueValue, for the objects a cycle is about to create: each candidate in order is
 * looked up on the target (`<path> eq "<candidate>"`), and the first that no target object holds,
 * and no other object of this cycle took, becomes the value sent in the create. An object whose
 * candidates are all taken is not created; the error says so, and later cycles try again (Entra
 * escrows it). Objects are handled one after the other, so two new users never get the same value.
 * Errors are returned by object (`Type:key`); a refused credential stops the cycle.
 */
export async function chooseUniqueValues(client: ScimClient, endpoint: ResourceEndpoint, creations: DesiredObject[], config: ResourceConfig): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  const taken = new Map<string, Set<string>>();
  const query: Record<string, string> = endpoint === 'Groups' ? { excludedAttributes: 'members' } : {};
  for (const desired of creations) {
    const mapped = desired.mapped;
    if (!mapped || mapped.unique.length === 0) continue;
    try {
      for (const { path, candidates } of mapped.unique) {
        const caseExact = Boolean(leafDefinition(config.pathsByText.get(path)!)?.caseExact);
        const fold = (value: JsonValue) => (caseExact ? String(value) : foldCase(String(value)));
        const chosen = taken.get(path) ?? new Set<string>();
        taken.set(path, chosen);
        let free: JsonValue | undefined;
        for (const candidate of candidates) {
          if (chosen.has(fold(candidate))) continue;
          const { total, resources } = await client.search(endpoint, eqFilter(path, candidate as string | number | boolean), query);
          if (total === 0 && resources.length === 0) {
            free = candidate;
            break;
          }
        }
        if (free === undefined) throw new Error(`SelectUniqueValue for ${path}: every value is taken on the target (${candidates.map((c) => JSON.stringify(c)).join(', ')})`);
        chosen.add(fold(free));
        mapped.createOnly[path] = free;
      }
    } catch (error) {
      if (isAuthenticationFailure(error)) throw error;
      errors.set(`${desired.type}:${desired.key}`, (error as Error).message);
    }
  }
  return errors;
}
