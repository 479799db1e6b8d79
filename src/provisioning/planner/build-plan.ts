import { isJsonObject, type JsonValue } from '../../scim/json.js';
import type { ScimObject } from '../client/scim-client.js';
import { readTarget } from '../mapping/target-path.js';
import type { DesiredObject } from './desired-state.js';
import { diffAttributes } from './diff.js';
import type { ObjectState, ObjectType } from './object-state.js';
import type { Change, Plan, PlanFailure, PlanStep, StateNote } from './plan.js';
import type { ResourceConfig } from './resource-config.js';

export interface PlanSettings {
  /** Delay between a source deletion and the target DELETE; 0 deletes at once, null never. */
  deleteAfterMs: number | null;
  /** Whether an existing target object that matches may be taken over. */
  adopt: boolean;
  /** Whether groups and memberships are provisioned. */
  groups: boolean;
}

export interface PlanInput {
  users: DesiredObject[];
  groups: DesiredObject[];
  userConfig: ResourceConfig;
  groupConfig: ResourceConfig;
  /** By `stateKey(type, key)`. */
  states: Map<string, ObjectState>;
  /** Group key → member keys last sent. */
  memberships: Map<string, Set<string>>;
  /** For every object `lookupCandidates` returned: the target resource that matched, or null. */
  matches: Map<string, ScimObject | null>;
  settings: PlanSettings;
  now: Date;
}

export const stateKey = (type: ObjectType, key: string) => `${type}:${key}`;

/** Objects that need a lookup on the target before a plan can be made: in scope, unlinked, mappable. */
export function lookupCandidates(desired: DesiredObject[], states: Map<string, ObjectState>): DesiredObject[] {
  return desired.filter((d) => d.enabled && !d.error && d.mapped && !states.get(stateKey(d.type, d.key))?.targetId);
}

/**
 * Decides everything a cycle does, without sending anything: creates and adoptions for new
 * objects, minimal updates from the values last sent, disables for objects out of scope or
 * disabled in the source, deletions after the configured delay, manager references and group
 * membership deltas. Pure: the same input always gives the same plan.
 */
export function buildPlan(input: PlanInput): Plan {
  const { states, settings, now } = input;
  const userSteps: PlanStep[] = [];
  const managerSteps: PlanStep[] = [];
  const groupSteps: PlanStep[] = [];
  const memberSteps: PlanStep[] = [];
  const deleteSteps: PlanStep[] = [];
  const failures: PlanFailure[] = [];
  const notes: StateNote[] = [];
  const managed = [...states.values()].filter((s) => s.targetId).length;

  /** Target ids already linked, or claimed by an adoption in this plan: one target object, one source object. */
  const claimed = new Map([...states.values()].filter((st) => st.targetId).map((st) => [`${st.type}:${st.targetId}`, st.key]));
  const fail = (d: DesiredObject, action: PlanFailure['action'], detail: string) =>
    failures.push({ type: d.type, key: d.key, targetId: states.get(stateKey(d.type, d.key))?.targetId ?? null, action, detail });

  // ---- users ----------------------------------------------------------------------------
  /** Users that will have a target object once the user steps are done (and are in scope). */
  const provisioned = new Set<string>();
  const sourceUsers = new Set(input.users.map((u) => u.key));
  const creates = new Set<string>();
  const adopted = new Map<string, ScimObject>();
  for (const d of input.users) {
    const state = states.get(stateKey('User', d.key));
    if (state?.goneSince) notes.push({ kind: 'back', type: 'User', key: d.key });
    if (state?.targetId) {
      if (!d.inScope) {
        if (state.sent.active !== false) userSteps.push(disable(state, 'out of scope', [{ path: 'active', from: state.sent.active ?? true, to: false }]));
        continue;
      }
      provisioned.add(d.key);
      if (d.error || !d.mapped) {
        fail(d, d.errorAction ?? 'map', d.error ?? 'mapping failed');
        continue;
      }
      const changes = diffAttributes(state.sent, d.mapped.attributes, managedPaths(input.userConfig, d));
      if (changes.length === 0) continue;
      if (state.sent.active !== false && d.mapped.attributes.active === false) userSteps.push(disable(state, 'disabled in source', changes));
      else userSteps.push({ action: 'update', type: 'User', key: d.key, targetId: state.targetId, changes });
      continue;
    }
    if (d.inScope && (d.error || !d.mapped)) {
      fail(d, d.errorAction ?? 'map', d.error ?? 'mapping failed');
      continue;
    }
    if (!d.enabled) {
      // Disabled or out of scope and never provisioned: nothing to send (Entra does not create disabled users).
      if (state) notes.push({ kind: 'forget', type: 'User', key: d.key });
      continue;
    }
    const step = createOrAdopt(d, state, input.matches, input.userConfig, settings.adopt, claimed);
    if (typeof step === 'string') {
      fail(d, 'match', step);
      continue;
    }
    provisioned.add(d.key);
    if (step.action === 'create') creates.add(d.key);
    else adopted.set(d.key, input.matches.get(stateKey('User', d.key))!);
    userSteps.push(step);
  }

  // Second pass: manager references, once it is known which users will exist.
  if (input.userConfig.manager) {
    const keyOfTarget = new Map([...states.values()].filter((s) => s.type === 'User' && s.targetId).map((s) => [s.targetId!, s.key]));
    for (const d of input.users) {
      const to = d.mapped?.managerKey;
      if (to === undefined || !provisioned.has(d.key) || d.error) continue;
      if (to !== null && !provisioned.has(to)) continue; // the manager is not provisioned yet: try next cycle
      if (creates.has(d.key)) {
        const create = userSteps.find((s) => s.key === d.key && s.action === 'create') as Extract<PlanStep, { action: 'create' }>;
        if (to !== null) create.managerKey = to;
        continue;
      }
      const state = states.get(stateKey('User', d.key));
      let from: string | null;
      if (adopted.has(d.key)) {
        const managerPath = [...input.userConfig.pathsByText.values()].find((p) => p.isManager)!;
        const current = readTarget(adopted.get(d.key) as never, managerPath);
        from = typeof current === 'string' && current !== '' ? keyOfTarget.get(current) ?? `target:${current}` : null;
      } else from = state?.managerKey ?? null;
      if (from === to) continue;
      managerSteps.push({ action: 'set-manager', type: 'User', key: d.key, targetId: state?.targetId ?? (adopted.get(d.key)!.id as string), from, to });
    }
  }

  // Users the source no longer has.
  for (const state of states.values()) {
    if (state.type !== 'User' || sourceUsers.has(state.key)) continue;
    if (!state.targetId) {
      notes.push({ kind: 'forget', type: 'User', key: state.key });
      continue;
    }
    const goneSince = state.goneSince ? new Date(state.goneSince) : now;
    if (!state.goneSince) notes.push({ kind: 'gone', type: 'User', key: state.key });
    if (dueForDeletion(goneSince, now, settings.deleteAfterMs)) {
      deleteSteps.push({ action: 'delete', type: 'User', key: state.key, targetId: state.targetId, reason: 'deleted in source' });
    } else if (state.sent.active !== false) {
      userSteps.push(disable(state, 'deleted in source', [{ path: 'active', from: state.sent.active ?? true, to: false }]));
    }
  }

  // ---- groups ---------------------------------------------------------------------------
  const groupDeletes: PlanStep[] = [];
  if (settings.groups) {
    const sourceGroups = new Set(input.groups.map((g) => g.key));
    for (const d of input.groups) {
      const state = states.get(stateKey('Group', d.key));
      const eligible = [...new Set(d.members ?? [])].filter((k) => provisioned.has(k)).sort();
      if (state?.targetId) {
        if (!d.inScope) {
          groupDeletes.push({ action: 'delete', type: 'Group', key: d.key, targetId: state.targetId, reason: 'out of scope' });
          continue;
        }
        if (d.error || !d.mapped) {
          fail(d, d.errorAction ?? 'map', d.error ?? 'mapping failed');
          continue;
        }
        const changes = diffAttributes(state.sent, d.mapped.attributes, managedPaths(input.groupConfig, d));
        if (changes.length) groupSteps.push({ action: 'update', type: 'Group', key: d.key, targetId: state.targetId, changes });
        const sent = input.memberships.get(d.key) ?? new Set<string>();
        const add = eligible.filter((k) => !sent.has(k));
        const remove = [...sent].filter((k) => !eligible.includes(k)).sort();
        if (add.length) memberSteps.push({ action: 'add-members', type: 'Group', key: d.key, targetId: state.targetId, members: add });
        if (remove.length) memberSteps.push({ action: 'remove-members', type: 'Group', key: d.key, targetId: state.targetId, members: remove });
        continue;
      }
      if (!d.inScope) {
        if (state) notes.push({ kind: 'forget', type: 'Group', key: d.key });
        continue;
      }
      if (d.error || !d.mapped) {
        fail(d, d.errorAction ?? 'map', d.error ?? 'mapping failed');
        continue;
      }
      const step = createOrAdopt(d, state, input.matches, input.groupConfig, settings.adopt, claimed);
      if (typeof step === 'string') {
        fail(d, 'match', step);
        continue;
      }
      if (step.action === 'create') {
        if (eligible.length) step.members = eligible;
      } else if (eligible.length) {
        // Members of an adopted group that the engine did not add are left alone.
        memberSteps.push({ action: 'add-members', type: 'Group', key: d.key, targetId: step.targetId, members: eligible });
      }
      groupSteps.push(step);
    }
    for (const state of states.values()) {
      if (state.type !== 'Group' || sourceGroups.has(state.key)) continue;
      if (!state.targetId) notes.push({ kind: 'forget', type: 'Group', key: state.key });
      else groupDeletes.push({ action: 'delete', type: 'Group', key: state.key, targetId: state.targetId, reason: 'deleted in source' });
    }
  }

  const steps = [...userSteps, ...managerSteps, ...groupSteps, ...memberSteps, ...groupDeletes, ...deleteSteps];
  // Unchanged: objects in scope that no step and no failure is about.
  const touched = new Set([...steps, ...failures].map((s) => stateKey(s.type, s.key)));
  const inScope = [...input.users, ...(settings.groups ? input.groups : [])].filter((d) => d.inScope);
  const unchanged = inScope.filter((d) => !touched.has(stateKey(d.type, d.key))).length;
  return { steps, failures, notes, unchanged, managed };
}

function managedPaths(config: ResourceConfig, d: DesiredObject): string[] {
  const ignored = new Set(d.mapped?.ignored ?? []);
  return config.managedPaths.filter((p) => !ignored.has(p));
}

function disable(state: ObjectState, reason: Extract<PlanStep, { action: 'disable' }>['reason'], changes: Change[]): PlanStep {
  return { action: 'disable', type: 'User', key: state.key, targetId: state.targetId!, reason, changes };
}

function dueForDeletion(goneSince: Date, now: Date, deleteAfterMs: number | null): boolean {
  if (deleteAfterMs === null) return false;
  return now.getTime() - goneSince.getTime() >= deleteAfterMs;
}

/** A create, or the adoption of the matched target object with the changes it needs; a string explains a refusal. */
function createOrAdopt(
  d: DesiredObject,
  state: ObjectState | undefined,
  matches: Map<string, ScimObject | null>,
  config: ResourceConfig,
  adopt: boolean,
  claimed: Map<string, string>,
): Extract<PlanStep, { action: 'create' | 'adopt' }> | string {
  const key = stateKey(d.type, d.key);
  if (!matches.has(key)) throw new Error(`${key} was not looked up on the target before planning`);
  const found = matches.get(key);
  const mapped = d.mapped!;
  if (!found) return { action: 'create', type: d.type, key: d.key, attributes: { ...mapped.createOnly, ...mapped.attributes } };
  if (typeof found.id !== 'string' || found.id === '') return 'the target returned a matching resource without an id';
  const owner = claimed.get(`${d.type}:${found.id}`);
  if (owner !== undefined && owner !== d.key) return `the matching target ${d.type} ${found.id} is already linked to ${owner}; two source objects cannot share one target object`;
  claimed.set(`${d.type}:${found.id}`, d.key);
  // A "creating" state means an earlier cycle sent the POST and stopped before recording the answer.
  const ownership = state?.phase === 'creating' ? 'created' : 'adopted';
  if (ownership === 'adopted' && !adopt) {
    return `a target ${d.type} matches (${found.id}) but this connection did not create it, and adoption is off`;
  }
  const current: Record<string, JsonValue | undefined> = {};
  for (const path of config.managedPaths) {
    const value = readTarget(found as never, config.pathsByText.get(path)!);
    current[path] = isJsonObject(value) && Object.keys(value).length === 0 ? undefined : value;
  }
  const changes = diffAttributes(current, mapped.attributes, managedPaths(config, d));
  return { action: 'adopt', type: d.type, key: d.key, targetId: found.id, ownership, changes };
}
