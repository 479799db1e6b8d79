import { foldCase } from '../../scim/compare.js';
import { isAuthenticationFailure } from '../client/client-errors.js';
import type { JsonValue } from '../../scim/json.js';
import type { ResourceEndpoint, ScimClient, ScimObject } from '../client/scim-client.js';
import { chooseUniqueValues } from '../mapping/select-unique-value.js';
import { leafDefinition, readTarget } from '../mapping/target-path.js';
import { stateKey } from '../planner/build-plan.js';
import type { DesiredObject } from '../planner/desired-state.js';
import type { ResourceConfig } from '../planner/resource-config.js';

/** Below this many objects to look up, one filter query each is always cheaper than a listing. */
const LISTING_THRESHOLD = 50;
const PAGE_SIZE = 500;

export interface MatchOutcome {
  /** Found resource, or null when nothing matched. */
  matches: Map<string, ScimObject | null>;
  /** Objects whose lookup failed, with why. */
  errors: Map<string, string>;
  /** How the lookups were made, for the summary. */
  strategy: 'none' | 'filter' | 'listing';
}

/**
 * Looks up objects the engine does not yet know on the target, by the matching attributes in
 * precedence order (the first that matches wins). A few are looked up with one `eq` filter
 * each, as Entra does; when many are, and reading the whole target takes fewer requests, the
 * target is listed once and matched locally, with the attribute's case rules. Objects that
 * nothing matched get their SelectUniqueValue values from the target before they are created.
 */
export async function matchTargets(client: ScimClient, endpoint: ResourceEndpoint, candidates: DesiredObject[], config: ResourceConfig): Promise<MatchOutcome> {
  const outcome = await findMatches(client, endpoint, candidates, config);
  // Objects nothing matched will be created: SelectUniqueValue asks the target for their values now.
  const creations = candidates.filter((c) => outcome.matches.get(stateKey(c.type, c.key)) === null);
  for (const [id, error] of await chooseUniqueValues(client, endpoint, creations, config)) {
    outcome.matches.delete(id);
    outcome.errors.set(id, error);
  }
  return outcome;
}

async function findMatches(client: ScimClient, endpoint: ResourceEndpoint, candidates: DesiredObject[], config: ResourceConfig): Promise<MatchOutcome> {
  const matches = new Map<string, ScimObject | null>();
  const errors = new Map<string, string>();
  if (candidates.length === 0) return { matches, errors, strategy: 'none' };
  const query: Record<string, string> = endpoint === 'Groups' ? { excludedAttributes: 'members' } : {};

  if (candidates.length >= LISTING_THRESHOLD) {
    const response = await client.request('GET', `/${endpoint}`, { query: { count: 0 } });
    const total = Number((response.body as { totalResults?: unknown })?.totalResults);
    // Listing costs a page per PAGE_SIZE resources, and a page weighs about as much as a few lookups.
    if (Number.isFinite(total) && Math.ceil(total / PAGE_SIZE) * 4 < candidates.length) {
      const index = new Map<string, ScimObject[]>();
      const keyOf = (path: string, value: JsonValue | undefined) => {
        if (value === undefined || value === null || typeof value === 'object') return undefined;
        const text = String(value);
        return `${path}\u0000${leafDefinition(config.pathsByText.get(path)!)?.caseExact ? text : foldCase(text)}`;
      };
      for await (const page of client.list(endpoint, { pageSize: PAGE_SIZE, ...(endpoint === 'Groups' ? { excludedAttributes: 'members' } : {}) })) {
        for (const resource of page) {
          for (const mapping of config.matching) {
            const key = keyOf(mapping.path.text, readTarget(resource as never, mapping.path));
            if (key !== undefined) index.set(key, [...(index.get(key) ?? []), resource]);
          }
        }
      }
      for (const candidate of candidates) {
        const id = stateKey(candidate.type, candidate.key);
        matches.set(id, null);
        for (const { path, value } of candidate.matchValues) {
          const found = index.get(keyOf(path, value)!) ?? [];
          if (found.length > 1) {
            matches.delete(id);
            errors.set(id, `${found.length} target ${endpoint.toLowerCase()} have ${path} ${JSON.stringify(value)}; the match is ambiguous`);
            break;
          }
          if (found.length === 1) {
            matches.set(id, found[0]);
            break;
          }
        }
      }
      return { matches, errors, strategy: 'listing' };
    }
  }

  await Promise.all(
    candidates.map(async (candidate) => {
      const id = stateKey(candidate.type, candidate.key);
      try {
        for (const filter of candidate.matchFilters) {
          const { resources } = await client.search(endpoint, filter, query);
          if (resources.length > 1) throw new Error(`${resources.length} target ${endpoint.toLowerCase()} match ${filter}; the match is ambiguous`);
          if (resources.length === 1) {
            matches.set(id, resources[0]);
            return;
          }
        }
        matches.set(id, null);
      } catch (error) {
        // A refused credential is not one object's problem: it stops the cycle.
        if (isAuthenticationFailure(error)) throw error;
        errors.set(id, (error as Error).message);
      }
    }),
  );
  return { matches, errors, strategy: 'filter' };
}
