import { randomBytes } from 'node:crypto';
import { TargetUpdates } from '../client/target-updates.js';
import type { Encryptor } from '../../auth/encryption.js';
import { foldCase } from '../../scim/compare.js';
import type { ScimClient, ScimClientOptions, ScimObject } from '../client/scim-client.js';
import type { ConnectionRecord } from '../connections/connection.js';
import { decryptCredential, secretsOf, targetClient } from '../connections/target-client.js';
import { buildPlan, lookupCandidates, stateKey } from '../planner/build-plan.js';
import type { DesiredObject } from '../planner/desired-state.js';
import type { ObjectState, ObjectType } from '../planner/object-state.js';
import type { Plan, PlanStep } from '../planner/plan.js';
import type { ConnectionStore, CycleRecord, CycleSummary } from '../store/connection-store.js';
import { CycleBusy, CycleLease } from './cycle-lease.js';
import { PlanExecutor } from './execute-plan.js';
import { matchTargets } from './match-targets.js';
import { prepareSource, type PreparedSource } from './prepare-source.js';
import { parseDeleteAfter } from './run-cycle.js';
import { Redactor } from './redactor.js';
import { stepPayload } from './step-log.js';

export type OnDemandStatus = 'ok' | 'warning' | 'failed' | 'skipped';

export interface OnDemandStep {
  step: string;
  status: OnDemandStatus;
  detail: string;
  /** Attributes, attribute changes or the target's answers, where the step has them (redacted). */
  data?: unknown;
}

export interface OnDemandReport {
  ok: boolean;
  /** The key asked for (a user's, or a group's when `group` is set). */
  user: string;
  group?: string;
  /** The cycle the changes are logged under; null when nothing was sent. */
  cycleId: string | null;
  steps: OnDemandStep[];
}

export interface OnDemandOptions {
  store: ConnectionStore;
  encryptor: Encryptor;
  connection: ConnectionRecord;
  /** The user's source key (or the group's, with `group`). */
  key: string;
  /** Provision this group, with up to five of its members (all of them when it has no more), instead of a user. */
  group?: { members?: string[] };
  now?: () => Date;
  clientOptions?: Partial<ScimClientOptions>;
}

/**
 * Provision on demand: one user, now, with each step reported as Entra's portal shows it —
 * found in the source, mapped, in scope, matched on the target, what the engine will do (with
 * the attribute changes), and what the target answered. Group memberships wait for the next
 * cycle. With `group`, one group and up to five of its members. The changes are logged under a
 * cycle of their own, so the log tells the whole story.
 */
export async function provisionOnDemand(options: OnDemandOptions): Promise<OnDemandReport> {
  const { store, connection } = options;
  const now = options.now ?? (() => new Date());
  const steps: OnDemandStep[] = [];
  const add: AddStep = (step, status, detail, data) => steps.push({ step, status, detail, ...(data !== undefined ? { data } : {}) });
  const subject = options.group ? { group: options.key } : { user: options.key };
  const report = (cycleId: string | null): OnDemandReport => ({ ok: steps.every((s) => s.status !== 'failed'), ...subject, user: options.key, cycleId, steps });

  const lease = new CycleLease(store, connection.id);
  if (!(await lease.acquire())) throw new CycleBusy(connection.name);
  const credential = decryptCredential(connection, options.encryptor);
  const target = targetClient(connection, credential, options.clientOptions);
  try {
    let prepared: PreparedSource;
    try {
      prepared = await prepareSource(connection, now(), { store, encryptor: options.encryptor, preview: true });
    } catch (error) {
      add('Source', 'failed', `the source could not be read or mapped: ${(error as Error).message}`);
      return report(null);
    }
    const redactor = new Redactor(secretsOf(credential), [...prepared.userConfig.mappings, ...prepared.groupConfig.mappings].filter((m) => m.redacted).map((m) => m.path.text));
    const states = new Map((await store.loadObjects(connection.id)).map((s) => [stateKey(s.type, s.key), s] as [string, ObjectState]));
    const context: OnDemandContext = { options, prepared, redactor, states, client: target.client, add, now };
    const planned = options.group ? await planGroup(context, options.group.members) : await planUser(context);
    if (!planned) return report(null);
    const { plan, desired, memberships } = planned;
    if (plan.failures.length) {
      add('Plan', 'failed', plan.failures.map((f) => redactor.text(f.detail)).join('; '));
      return report(null);
    }
    if (!plan.steps.length) {
      add('Plan', 'ok', 'nothing to do: the target already has what the source says');
      return report(null);
    }
    add('Plan', 'ok', plan.steps.map(describe).join('; '), plan.steps.map((s) => ({ action: s.action, ...(options.group ? { type: s.type, key: s.key } : {}), changes: stepPayload(s, redactor) })));

    const cycle: CycleRecord = { id: `cyc_${randomBytes(8).toString('hex')}`, connectionId: connection.id, startedAt: now().toISOString(), finishedAt: null, dryRun: false, status: 'running', summary: null, message: null };
    await store.startCycle(cycle);
    const executor = new PlanExecutor({
      client: target.client,
      updates: new TargetUpdates(target.client, connection.settings.wireFormat ?? 'scim'),
      store,
      connectionId: connection.id,
      cycleId: cycle.id,
      states,
      memberships,
      desired: new Map(desired.map((d) => [stateKey(d.type, d.key), d])),
      userConfig: prepared.userConfig,
      groupConfig: prepared.groupConfig,
      adopt: connection.settings.adopt,
      redactor,
      now,
      chunkSize: 10,
      membersPerRequest: connection.settings.membersPerRequest,
      targetProfile: connection.targetProfile,
    });
    const result = await executor.run(plan);
    const entries = await store.readLog(connection.id, { cycleId: cycle.id, limit: 50 });
    for (const entry of entries) {
      const answer = entry.status === null ? '' : `; the target answered ${entry.status}`;
      const what = options.group ? ` ${entry.type.toLowerCase()} ${entry.key}` : '';
      add(`Target: ${entry.action}${what}`, entry.result === 'success' ? 'ok' : entry.result === 'skipped' ? 'skipped' : 'failed', `${entry.result}${answer}${entry.detail ? `: ${entry.detail}` : ''}`, entry.targetId ? { targetId: entry.targetId } : undefined);
    }
    const summary: CycleSummary = { ...result.counts, unchanged: 0, durationMs: Date.parse(now().toISOString()) - Date.parse(cycle.startedAt), requests: entries.length, retries: 0, sourceProblems: [], deprovisions: 0 };
    const label = options.group ? `group ${options.key}` : `user ${options.key}`;
    await store.finishCycle(cycle.id, result.aborted ? 'failed' : 'completed', now().toISOString(), summary, `Provisioned on demand: ${label}${result.aborted ? `; ${result.aborted}` : ''}`);
    return report(cycle.id);
  } finally {
    target.close();
    await lease.release();
  }
}

type AddStep = (step: string, status: OnDemandStatus, detail: string, data?: unknown) => void;

interface OnDemandContext {
  options: OnDemandOptions;
  prepared: PreparedSource;
  redactor: Redactor;
  states: Map<string, ObjectState>;
  client: ScimClient;
  add: AddStep;
  now: () => Date;
}

/** What an on-demand run sends: its plan, cut down to its own objects, and the desired state they come from. */
interface OnDemandPlan {
  plan: Plan;
  desired: DesiredObject[];
  memberships: Map<string, Set<string>>;
}

/** One user: found, mapped, scoped, matched; group memberships wait for the next cycle. */
async function planUser(context: OnDemandContext): Promise<OnDemandPlan | null> {
  const { options, prepared, redactor, states, add } = context;
  const key = foldCase(options.key);
  const desired = prepared.users.find((d) => d.key === key);
  if (!desired) {
    add('Source', 'failed', `no user with the key ${JSON.stringify(options.key)} among the ${prepared.users.length} users the source holds`);
    return null;
  }
  add('Source', 'ok', `found ${desired.origin}`);
  if (desired.error && desired.errorAction !== 'match') {
    add('Mapping', 'failed', redactor.text(desired.error));
    return null;
  }
  add('Mapping', 'ok', 'the mappings produced these target attributes', redactor.attributes(desired.mapped!.attributes));
  reportUserScope(context, desired);
  const matches = await matchOne(context, desired, 'Users');
  if (!matches) return null;
  const plan = planFor(context, [desired], [], new Map(), matches);
  return { plan: ownPart(plan, (s) => s.type === 'User' && s.key === key), desired: [desired], memberships: new Map() };
}

/** Entra provisions a group on demand with at most this many of its members. */
export const ON_DEMAND_GROUP_MEMBERS = 5;

/**
 * One group with up to five of its members (Entra's limit): the members are provisioned first as
 * on-demand users are, then the group, then their memberships. Members not chosen, and members
 * the group has lost, wait for the next cycle: nothing is removed on demand.
 */
async function planGroup(context: OnDemandContext, chosen: string[] | undefined): Promise<OnDemandPlan | null> {
  const { options, prepared, redactor, states, add } = context;
  if (!options.connection.settings.groups) {
    add('Source', 'failed', 'this connection provisions users only (--no-groups-sync)');
    return null;
  }
  const key = foldCase(options.key);
  const group = prepared.groups.find((d) => d.key === key);
  if (!group) {
    add('Source', 'failed', `no group with the key ${JSON.stringify(options.key)} among the ${prepared.groups.length} groups the source holds`);
    return null;
  }
  const all = [...new Set(group.members ?? [])];
  add('Source', 'ok', `found ${group.origin} with ${all.length} ${all.length === 1 ? 'member' : 'members'}`);
  const picked = chosen ? [...new Set(chosen.map(foldCase))] : all;
  const strangers = picked.filter((k) => !all.includes(k));
  if (strangers.length) {
    add('Members', 'failed', `not members of the group in the source: ${strangers.join(', ')}`);
    return null;
  }
  if (picked.length > ON_DEMAND_GROUP_MEMBERS) {
    add('Members', 'failed', `the group has ${all.length} members; name up to ${ON_DEMAND_GROUP_MEMBERS} of them with --member (a group is provisioned on demand with at most ${ON_DEMAND_GROUP_MEMBERS}, as in Entra); the next cycle provisions the rest`);
    return null;
  }
  const users = picked.map((k) => prepared.users.find((u) => u.key === k)).filter((u): u is DesiredObject => u !== undefined);
  const missing = picked.filter((k) => !users.some((u) => u.key === k));
  add('Members', missing.length ? 'warning' : 'ok', `${picked.length ? `provisioning ${picked.join(', ')}` : 'no members to provision'}${missing.length ? `; not users of the source: ${missing.join(', ')}` : ''}`);
  if (group.error && group.errorAction !== 'match') {
    add('Mapping', 'failed', redactor.text(group.error));
    return null;
  }
  add('Mapping', 'ok', 'the group mappings produced these target attributes', redactor.attributes(group.mapped!.attributes));
  for (const user of users) {
    if (user.error && user.errorAction !== 'match') add(`Mapping: user ${user.key}`, 'warning', `${redactor.text(user.error)}; it is left out`);
  }
  if (!group.inScope) add('Scope', 'warning', `out of scope (${options.connection.scoping.groups}); a group the engine manages is deleted`);
  else add('Scope', 'ok', options.connection.scoping.groups ? `in scope (${options.connection.scoping.groups})` : 'in scope (no scoping filter)');
  for (const user of users) if (!user.enabled) add(`Scope: user ${user.key}`, 'warning', 'out of scope or disabled in the source: not provisioned, so not added');

  const matches = new Map<string, ScimObject | null>();
  for (const [desired, endpoint] of [...users.map((u) => [u, 'Users'] as const), [group, 'Groups'] as const]) {
    const found = await matchOne(context, desired, endpoint);
    if (!found) return null;
    for (const [k, v] of found) matches.set(k, v);
  }
  const memberships = new Map<string, Set<string>>();
  for (const row of await options.store.loadMemberships(options.connection.id)) {
    if (row.group !== key) continue;
    if (!memberships.has(key)) memberships.set(key, new Set());
    memberships.get(key)!.add(row.member);
  }
  const plan = planFor(context, users, [group], memberships, matches);
  const mine = new Set([stateKey('Group', key), ...users.map((u) => stateKey('User', u.key))]);
  const own = ownPart(plan, (s) => mine.has(stateKey(s.type as ObjectType, s.key)));
  own.steps = own.steps.filter((s) => s.action !== 'remove-members');
  return { plan: own, desired: [...users, group], memberships };
}

function reportUserScope(context: OnDemandContext, desired: DesiredObject): void {
  const { add, options } = context;
  if (!desired.inScope) add('Scope', 'warning', `out of scope (${options.connection.scoping.users}); a user the engine manages is disabled`);
  else if (!desired.enabled) add('Scope', 'warning', 'in scope, but disabled in the source; a user the engine manages is disabled');
  else add('Scope', 'ok', options.connection.scoping.users ? `in scope (${options.connection.scoping.users})` : 'in scope (no scoping filter)');
}

/** Links or looks up one object on the target, reporting the step; null when the lookup failed. */
async function matchOne(context: OnDemandContext, desired: DesiredObject, endpoint: 'Users' | 'Groups'): Promise<Map<string, ScimObject | null> | null> {
  const { states, add, redactor, prepared, client } = context;
  const noun = endpoint === 'Users' ? 'user' : 'group';
  const step = context.options.group ? `Match: ${noun} ${desired.key}` : 'Match';
  const matches = new Map<string, ScimObject | null>();
  const state = states.get(stateKey(desired.type, desired.key));
  if (state?.targetId) {
    add(step, 'ok', `linked to target ${noun} ${state.targetId} (${state.ownership ?? 'linked'} by this connection)`);
    return matches;
  }
  const outcome = await matchTargets(client, endpoint, lookupCandidates([desired], states), endpoint === 'Users' ? prepared.userConfig : prepared.groupConfig);
  const error = outcome.errors.get(stateKey(desired.type, desired.key));
  if (error) {
    add(step, 'failed', `looking it up on the target failed: ${redactor.text(error)}`);
    return null;
  }
  const found = outcome.matches.get(stateKey(desired.type, desired.key));
  if (found) add(step, 'ok', `matched target ${noun} ${found.id} by ${desired.matchFilters[0]}`);
  else if (desired.enabled) add(step, 'ok', `no target ${noun} has ${desired.matchFilters.join(' or ')}`);
  else add(step, 'skipped', `not looked up: the ${noun} is not to be provisioned`);
  for (const [k, v] of outcome.matches) matches.set(k, v);
  return matches;
}

/** Planned with every state, so links and claims are right; the caller keeps only its own steps. */
function planFor(context: OnDemandContext, users: DesiredObject[], groups: DesiredObject[], memberships: Map<string, Set<string>>, matches: Map<string, ScimObject | null>): Plan {
  const { connection } = context.options;
  return buildPlan({
    users,
    groups,
    userConfig: context.prepared.userConfig,
    groupConfig: context.prepared.groupConfig,
    states: context.states,
    memberships,
    matches,
    settings: { deleteAfterMs: parseDeleteAfter(connection.settings.deleteAfter), adopt: connection.settings.adopt, groups: groups.length > 0 },
    now: context.now(),
  });
}

function ownPart(plan: Plan, mine: (s: { type: string; key: string }) => boolean): Plan {
  return { ...plan, steps: plan.steps.filter(mine), failures: plan.failures.filter(mine), notes: [] };
}

function describe(step: PlanStep): string {
  switch (step.action) {
    case 'create':
      return 'create it';
    case 'adopt':
      return `take over target user ${step.targetId}${step.changes.length ? ` and change ${step.changes.map((c) => c.path).join(', ')}` : ''}`;
    case 'update':
      return `update ${step.changes.map((c) => c.path).join(', ')}`;
    case 'disable':
      return `disable it (${step.reason})`;
    case 'delete':
      return `delete it (${step.reason})`;
    case 'set-manager':
      return `set its manager to ${step.to ?? 'none'}`;
    default:
      return step.action;
  }
}
