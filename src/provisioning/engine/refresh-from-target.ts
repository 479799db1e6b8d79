import { jsonEqual, type JsonValue } from '../../scim/json.js';
import type { ResourceEndpoint, ScimClient, ScimObject } from '../client/scim-client.js';
import { ScimClientError } from '../client/client-errors.js';
import { eqFilter } from '../client/scim-filter-text.js';
import { leafDefinition, readTarget } from '../mapping/target-path.js';
import type { ObjectState, ObjectType } from '../planner/object-state.js';
import type { ResourceConfig } from '../planner/resource-config.js';
import type { DriftReport } from '../../admin/api-views.js';

export type { DriftReport } from '../../admin/api-views.js';

export interface RefreshInput {
  client: ScimClient;
  /** By `stateKey(type, key)`; changed in place to what the target holds. */
  states: Map<string, ObjectState>;
  /** Group key → member keys; changed in place where the target shows members. */
  memberships: Map<string, Set<string>>;
  userConfig: ResourceConfig;
  groupConfig: ResourceConfig;
  groups: boolean;
  /** From Test Connection's probe: false when a GET of a group never shows its members. */
  showsMembersOnGet: boolean | null | undefined;
  pageSize?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * Entra's "Restart provisioning": instead of trusting the values the engine remembers sending,
 * read every linked object back from the target and put what it really holds in their place, so
 * the planner repairs whatever differs, including changes made inside the app. Objects the target
 * lost are unlinked (and so created again); group members are read back where the target shows
 * them. Only what the mappings manage is compared: values set inside the app on paths the mappings
 * do not name are left alone, as are members the engine does not manage.
 */
export async function refreshFromTarget(input: RefreshInput): Promise<DriftReport> {
  const report: DriftReport = { read: 0, differed: 0, missing: 0, membershipsChecked: false };
  const linked = (type: ObjectType) => [...input.states.values()].filter((s) => s.type === type && s.targetId);
  const users = linked('User');
  const userResources = await readLinked(input, 'Users', users, input.userConfig);
  const keyOfUser = new Map(users.map((s) => [s.targetId!, s.key]));
  for (const state of users) {
    const resource = userResources.get(state.targetId!);
    if (!resource) {
      unlink(state, input.memberships, report);
      continue;
    }
    report.read++;
    let differs = refreshValues(state, resource, input.userConfig);
    if (input.userConfig.manager) {
      const managerPath = [...input.userConfig.pathsByText.values()].find((p) => p.isManager)!;
      const value = readTarget(resource as never, managerPath);
      const managerKey = typeof value === 'string' && value !== '' ? keyOfUser.get(value) ?? `target:${value}` : null;
      if (managerKey !== state.managerKey) {
        state.managerKey = managerKey;
        differs = true;
      }
    }
    if (differs) report.differed++;
  }
  if (!input.groups) return report;

  report.membershipsChecked = input.showsMembersOnGet !== false;
  const groups = linked('Group');
  const groupResources = await readLinked(input, 'Groups', groups, input.groupConfig, report.membershipsChecked ? undefined : 'members');
  for (const state of groups) {
    const resource = groupResources.get(state.targetId!);
    if (!resource) {
      unlink(state, input.memberships, report);
      continue;
    }
    report.read++;
    let differs = refreshValues(state, resource, input.groupConfig);
    if (report.membershipsChecked) {
      // Members the engine does not manage (users it never linked) are not its business.
      const shown = new Set(memberIds(resource).flatMap((id) => (keyOfUser.has(id) ? [keyOfUser.get(id)!] : [])));
      const sent = input.memberships.get(state.key) ?? new Set<string>();
      if (shown.size !== sent.size || [...shown].some((k) => !sent.has(k))) differs = true;
      input.memberships.set(state.key, shown);
    }
    if (differs) report.differed++;
  }
  return report;
}

/**
 * Every target resource of an endpoint that one of the linked states points at, by id. The
 * listing comes first; what it did not show is then looked up one by one, since a listing can
 * miss resources (a target whose list repeats a page), and only a 404 proves an object gone.
 */
async function readLinked(input: RefreshInput, endpoint: ResourceEndpoint, states: ObjectState[], config: ResourceConfig, excludedAttributes?: string): Promise<Map<string, ScimObject>> {
  const wanted = new Set(states.map((s) => s.targetId!));
  const found = new Map<string, ScimObject>();
  if (wanted.size === 0) return found;
  const phase = `reading ${endpoint.toLowerCase()} back`;
  input.onProgress?.(phase, 0, wanted.size);
  for await (const page of input.client.list(endpoint, { pageSize: input.pageSize ?? 200, ...(excludedAttributes ? { excludedAttributes } : {}) })) {
    for (const resource of page) {
      if (typeof resource.id === 'string' && wanted.has(resource.id)) found.set(resource.id, resource);
    }
    input.onProgress?.(phase, found.size, wanted.size);
  }
  const unlisted = states.filter((s) => !found.has(s.targetId!));
  for (let i = 0; i < unlisted.length; i += LOOKUPS_AT_ONCE) {
    await Promise.all(
      unlisted.slice(i, i + LOOKUPS_AT_ONCE).map(async (state) => {
        const resource = await lookUp(input, endpoint, state, config, excludedAttributes);
        if (resource) found.set(state.targetId!, resource);
      }),
    );
    input.onProgress?.(phase, found.size, wanted.size);
  }
  return found;
}

/**
 * One object the listing did not show: as Entra reads, by a filter on the first matching
 * attribute it was sent (the answer has the listing's shape; Jackson's GET of a group shows less
 * than its list), then by id, which also finds an object whose matching value was changed inside
 * the app.
 */
async function lookUp(input: RefreshInput, endpoint: ResourceEndpoint, state: ObjectState, config: ResourceConfig, excludedAttributes?: string): Promise<ScimObject | undefined> {
  const query = excludedAttributes ? { excludedAttributes } : undefined;
  const match = config.matching.map((m) => ({ path: m.path.text, value: state.sent[m.path.text] })).find((m) => ['string', 'number', 'boolean'].includes(typeof m.value));
  if (match) {
    try {
      const { resources } = await input.client.search(endpoint, eqFilter(match.path, match.value as string | number | boolean), query);
      const same = resources.find((r) => r.id === state.targetId);
      if (same) return same;
    } catch (error) {
      // A target that cannot filter on the attribute (400 invalidFilter) is still asked by id.
      if (!(error instanceof ScimClientError && error.status === 400)) throw error;
    }
  }
  return input.client.getResource(endpoint, state.targetId!, query);
}

/** Lookups handed to the client at once; its own concurrency limit still applies. */
const LOOKUPS_AT_ONCE = 50;

/**
 * Puts the target's values of the managed paths in place of the values last sent; true when they
 * differ. A write-only attribute (a password) never comes back, so its last sent value stands.
 */
function refreshValues(state: ObjectState, resource: ScimObject, config: ResourceConfig): boolean {
  const held: Record<string, JsonValue> = {};
  for (const path of config.managedPaths) {
    const target = config.pathsByText.get(path)!;
    if (leafDefinition(target)?.returned === 'never') {
      if (state.sent[path] !== undefined) held[path] = state.sent[path];
      continue;
    }
    const value = readTarget(resource as never, target);
    if (value !== undefined && !(typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)) held[path] = value;
  }
  const differs = config.managedPaths.some((p) => !sameValue(state.sent[p], held[p]));
  // Paths the mappings no longer manage keep what was sent: they are not compared.
  for (const [path, value] of Object.entries(state.sent)) if (!config.managedPaths.includes(path)) held[path] = value;
  state.sent = held;
  return differs;
}

function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return jsonEqual(a, b);
}

/** The object is gone from the target: forget the link, so the plan creates it again (and re-adds its memberships). */
function unlink(state: ObjectState, memberships: Map<string, Set<string>>, report: DriftReport): void {
  report.missing++;
  report.differed++;
  state.targetId = null;
  state.ownership = null;
  state.sent = {};
  state.managerKey = null;
  if (state.type === 'Group') memberships.delete(state.key);
  else for (const members of memberships.values()) members.delete(state.key);
}

function memberIds(resource: ScimObject): string[] {
  const members = resource.members;
  if (!Array.isArray(members)) return [];
  return members.flatMap((m) => (m && typeof m === 'object' && typeof (m as { value?: unknown }).value === 'string' ? [(m as { value: string }).value] : []));
}

/** One line for the cycle's message: what the full reconcile read and found. */
export function describeDrift(drift: DriftReport): string {
  const objects = (n: number) => `${n} ${n === 1 ? 'object' : 'objects'}`;
  const parts = [`Full reconcile: read ${objects(drift.read)} back from the target; ${objects(drift.differed)} differed from what was last sent`];
  if (drift.missing) parts.push(`${drift.missing} of them no longer on the target (created again)`);
  if (!drift.membershipsChecked) parts.push('group members not checked: the target does not show them');
  return `${parts.join('; ')}.`;
}
