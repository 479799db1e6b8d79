import { authChecks } from './catalogue/auth-checks.js';
import { bulkChecks } from './catalogue/bulk-checks.js';
import { concurrencyChecks } from './catalogue/concurrency-checks.js';
import { discoveryChecks } from './catalogue/discovery-checks.js';
import { etagChecks } from './catalogue/etag-checks.js';
import { filterChecks } from './catalogue/filter-checks.js';
import { groupChecks } from './catalogue/group-checks.js';
import { latencyChecks } from './catalogue/latency-checks.js';
import { pagingChecks, sortChecks } from './catalogue/paging-checks.js';
import { patchChecks } from './catalogue/patch-checks.js';
import { projectionChecks } from './catalogue/projection-checks.js';
import { userChecks } from './catalogue/user-checks.js';
import { CannotRun } from './check-failure.js';
import type { Check, Profile } from './check-types.js';

/** Every check, in the order a run performs them; latency last, since it reads the times of the others. */
export const CATALOGUE: readonly Check[] = [
  ...authChecks,
  ...discoveryChecks,
  ...userChecks,
  ...groupChecks,
  ...filterChecks,
  ...patchChecks,
  ...pagingChecks,
  ...sortChecks,
  ...projectionChecks,
  ...etagChecks,
  ...bulkChecks,
  ...concurrencyChecks,
  ...latencyChecks,
];

/**
 * The checks of a profile (`all` for every one), narrowed by `--only`: an exact id, or an id
 * prefix such as `filter` or `patch.entra`. Throws on a selector that names nothing.
 */
export function selectChecks(profile: Profile | 'all', only: readonly string[] = []): Check[] {
  const inProfile = CATALOGUE.filter((c) => profile === 'all' || c.profiles.includes(profile));
  if (only.length === 0) return inProfile;
  for (const selector of only) {
    if (!CATALOGUE.some((c) => matches(c.id, selector))) throw new CannotRun(`--only ${selector}: no check has that id or id prefix (see scimd check --list)`);
  }
  return CATALOGUE.filter((c) => only.some((s) => matches(c.id, s)));
}

function matches(id: string, selector: string): boolean {
  return id === selector || id.startsWith(`${selector}.`);
}
