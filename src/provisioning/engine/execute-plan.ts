import { isAuthenticationFailure, ScimClientError, TargetThrottled, TransportError } from '../client/client-errors.js';
import type { PatchOperationBody, ResourceEndpoint, ScimClient, ScimObject } from '../client/scim-client.js';
import type { TargetUpdates } from '../client/target-updates.js';
import { ENTERPRISE_USER_SCHEMA } from '../../scim/schema/urns.js';
import { applyChanges, pickManaged } from '../planner/apply-changes.js';
import { stateKey } from '../planner/build-plan.js';
import type { DesiredObject } from '../planner/desired-state.js';
import { diffAttributes, patchOperations } from '../planner/diff.js';
import { newState, type ObjectState, type ObjectType } from '../planner/object-state.js';
import type { CycleCounts, Plan, PlanStep } from '../planner/plan.js';
import type { ResourceConfig } from '../planner/resource-config.js';
import { readTarget } from '../mapping/target-path.js';
import type { ConnectionStore, LogEntry, StateBatch } from '../store/connection-store.js';
import { buildResource } from './build-resource.js';
import type { Redactor } from './redactor.js';
import { retryTime } from './escrow.js';
import { stepLog } from './step-log.js';
import type { TargetProfile } from '../connections/connection.js';
import { DEFAULT_MEMBERS_PER_REQUEST, describeMemberWrite, GroupWriter, MemberBatches, memberWriteError, shownMembers, type MemberWriteResult } from './group-writes.js';

export interface ExecutionContext {
  client: ScimClient;
  /** Changes to existing target objects: PATCH, or PUT where the target has no PATCH. */
  updates: TargetUpdates;
  store: ConnectionStore;
  connectionId: string;
  cycleId: string;
  /** By stateKey; updated in memory as steps succeed, so later phases see new target ids. */
  states: Map<string, ObjectState>;
  memberships: Map<string, Set<string>>;
  desired: Map<string, DesiredObject>;
  userConfig: ResourceConfig;
  groupConfig: ResourceConfig;
  adopt: boolean;
  redactor: Redactor;
  now: () => Date;
  /** Steps sent together before their results are committed. */
  chunkSize: number;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Aborted when the process shuts down: the chunk in flight finishes and is committed, nothing more is sent. */
  signal?: AbortSignal;
  /** Most members per PATCH (default 100). */
  membersPerRequest?: number;
  /** What is known of how the target treats groups (Test Connection's probe). */
  targetProfile?: TargetProfile | null;
}

type Category = 'adopted' | 'created' | 'updated' | 'disabled' | 'deleted' | 'failed';
/** An object counts once, in its strongest category: a write that was sent outranks an adoption alone. */
const RANK: Record<Category, number> = { adopted: 1, updated: 2, created: 3, disabled: 4, deleted: 5, failed: 6 };

interface Outcome {
  batch: Partial<StateBatch>;
  category?: Category;
}

/** Stops the cycle: the target refused the credential, or stopped answering altogether. */
export class CycleAborted extends Error {}

/**
 * Carries out a plan in phases (users, managers, groups, memberships, deletions), a chunk of
 * steps at a time: a create's intent is committed before its POST goes out, and every chunk's
 * results (target ids, values sent, memberships, log lines) are committed before the next chunk
 * starts, so a process killed at any point leaves state a later cycle resumes from.
 */
export class PlanExecutor {
  private readonly categories = new Map<string, Category>();
  private deferredManagers: PlanStep[] = [];
  private managerSteps = new Set<string>();
  private aborted?: string;
  /** The target's refusal of the credential, when that is what stopped the cycle. */
  private authRefused?: string;
  private transportFailures = 0;
  /** The target throttled beyond what a cycle waits for: the cycle stopped, nothing counted as failed. */
  private throttled?: string;
  /** Member writes for the whole cycle, so a batch size the target refused is not sent again. */
  readonly groupWriter: GroupWriter;

  constructor(private readonly ctx: ExecutionContext) {
    const batches = new MemberBatches(ctx.membersPerRequest ?? DEFAULT_MEMBERS_PER_REQUEST, ctx.targetProfile);
    this.groupWriter = new GroupWriter(ctx.updates, batches, ctx.targetProfile);
  }

  async run(plan: Plan): Promise<{ counts: Omit<CycleCounts, 'unchanged'>; aborted?: string; authRefused?: string; throttled?: string }> {
    const userWrites = plan.steps.filter((s) => s.type === 'User' && ['adopt', 'update', 'disable'].includes(s.action));
    const userCreates = plan.steps.filter((s) => s.type === 'User' && s.action === 'create') as Extract<PlanStep, { action: 'create' }>[];
    this.managerSteps = new Set(plan.steps.filter((s) => s.action === 'set-manager').map((s) => s.key));
    const phases: [string, PlanStep[]][] = [
      ['users', userWrites],
      ...managerLevels(userCreates).map((level, i) => [i === 0 ? 'users (new)' : `users (new, level ${i + 1})`, level] as [string, PlanStep[]]),
      ['managers', plan.steps.filter((s) => s.action === 'set-manager')],
      ['groups', plan.steps.filter((s) => s.type === 'Group' && ['create', 'adopt', 'update'].includes(s.action))],
      ['memberships', plan.steps.filter((s) => s.action === 'add-members' || s.action === 'remove-members')],
      ['deletions', [...plan.steps.filter((s) => s.action === 'delete' && s.type === 'Group'), ...plan.steps.filter((s) => s.action === 'delete' && s.type === 'User')]],
    ];
    for (const [name, steps] of phases) {
      const all = name === 'managers' ? [...steps, ...this.deferredManagers] : steps;
      if (all.length) await this.runPhase(name, all);
      if (this.aborted) break;
    }
    const counts = { created: 0, updated: 0, disabled: 0, deleted: 0, failed: 0, adopted: 0 };
    for (const category of this.categories.values()) counts[category]++;
    return {
      counts,
      ...(this.aborted ? { aborted: this.aborted } : {}),
      ...(this.authRefused ? { authRefused: this.authRefused } : {}),
      ...(this.throttled ? { throttled: this.throttled } : {}),
    };
  }

  private async runPhase(name: string, steps: PlanStep[]): Promise<void> {
    let done = 0;
    this.ctx.onProgress?.(name, 0, steps.length);
    for (let i = 0; i < steps.length && !this.aborted; i += this.ctx.chunkSize) {
      if (this.ctx.signal?.aborted) {
        this.aborted = 'the process is shutting down; the next cycle carries on from here';
        break;
      }
      const chunk = steps.slice(i, i + this.ctx.chunkSize);
      const intents = chunk.filter((s) => s.action === 'create').map((s) => ({ ...this.state(s.type, s.key), phase: 'creating' as const }));
      if (intents.length) await this.ctx.store.commit(this.ctx.connectionId, emptyBatch({ upserts: intents }));
      const outcomes = await Promise.all(chunk.map((step) => this.execute(step).catch((error) => this.failure(step, error))));
      const batch = emptyBatch();
      for (const outcome of outcomes) {
        for (const key of Object.keys(outcome.batch) as (keyof StateBatch)[]) (batch[key] as unknown[]).push(...((outcome.batch[key] as unknown[]) ?? []));
      }
      await this.ctx.store.commit(this.ctx.connectionId, batch);
      done += chunk.length;
      this.ctx.onProgress?.(name, done, steps.length);
    }
  }

  private async execute(step: PlanStep): Promise<Outcome> {
    if (this.aborted) return { batch: { log: [this.log(step, 'skipped', { detail: `not sent: ${this.aborted}` })] } };
    switch (step.action) {
      case 'create':
        return this.create(step);
      case 'adopt':
        return this.adopt(step);
      case 'update':
      case 'disable':
        return this.update(step);
      case 'set-manager':
        return this.setManager(step);
      case 'add-members':
      case 'remove-members':
        return this.changeMembers(step);
      case 'delete':
        return this.delete(step);
    }
  }

  private async create(step: Extract<PlanStep, { action: 'create' }>): Promise<Outcome> {
    const config = this.config(step.type);
    const managerId = step.managerKey ? this.targetIdOf('User', step.managerKey) : undefined;
    const members = (step.members ?? []).map((key) => ({ key, id: this.targetIdOf('User', key) })).filter((m): m is { key: string; id: string } => m.id !== undefined);
    // Members go in the POST only where the target is known to keep them (Jackson drops them
    // and answers 201); otherwise, as Entra does, the group is created empty and members are PATCHed.
    const inPost = step.type === 'Group' && this.ctx.targetProfile?.keepsMembersOnPost === true ? members.slice(0, this.groupWriter.batches.size()) : [];
    const body = buildResource(config, step.attributes, { managerId, memberIds: inPost.map((m) => m.id) });
    const desired = this.ctx.desired.get(stateKey(step.type, step.key));
    const outcome = await this.ctx.client.create(endpointOf(step.type), body, desired?.matchFilters[0]);
    const id = outcome.resource.id;
    if (typeof id !== 'string' || id === '') throw new Error('The target answered the create without an id');
    if (outcome.kind === 'exists') return this.adoptAfterConflict(step, outcome.resource);
    const state = this.state(step.type, step.key);
    Object.assign(state, {
      targetId: id,
      ownership: 'created',
      phase: 'linked',
      sent: pickManaged(step.attributes, config.managedPaths),
      managerKey: managerId ? step.managerKey! : null,
      goneSince: null,
      failures: 0,
      lastError: null,
    } satisfies Partial<ObjectState>);
    if (step.managerKey && !managerId) {
      // Its manager was not on the target when it was created: set it in the manager pass.
      this.deferredManagers.push({ action: 'set-manager', type: 'User', key: step.key, targetId: id, from: null, to: step.managerKey });
    }
    this.mark(step, 'created');
    const detail = outcome.kind === 'recovered' ? 'the answer to the POST was lost; found it by its matching attribute' : null;
    const created: Outcome = { batch: { upserts: [{ ...state }], log: [this.log(step, 'success', { targetId: id, detail, status: outcome.status })] } };
    if (!members.length) return created;

    // Members the POST's answer lists are in; every other one (dropped, hidden, or not sent) is PATCHed.
    const kept = outcome.kind === 'created' ? shownMembers(outcome.resource, this.ctx.targetProfile) : undefined;
    const inAnswer = members.filter((m) => inPost.includes(m) && kept?.has(m.id));
    const dropped = inPost.filter((m) => !inAnswer.includes(m));
    const rest = members.filter((m) => !inAnswer.includes(m));
    for (const member of inAnswer) this.memberSet(step.key).add(member.key);
    created.batch.membershipAdds = inAnswer.map((m) => ({ group: step.key, member: m.key }));
    if (!rest.length) return created;
    const membersStep: Extract<PlanStep, { action: 'add-members' }> = { action: 'add-members', type: 'Group', key: step.key, targetId: id, members: rest.map((m) => m.key) };
    const note = dropped.length ? `the POST's answer does not list ${dropped.length} of the ${inPost.length} members it carried; they were added by PATCH` : null;
    let added: Outcome;
    try {
      added = await this.changeMembers(membersStep, note);
    } catch (error) {
      added = this.failure(membersStep, error);
    }
    return merge(created, added);
  }

  /** A POST answered 409 and the lookup found the object: someone else created it meanwhile. */
  private async adoptAfterConflict(step: Extract<PlanStep, { action: 'create' }>, found: ScimObject): Promise<Outcome> {
    if (!this.ctx.adopt) throw new Error(`a target ${step.type} with the same matching attribute appeared (${found.id}); adoption is off`);
    const config = this.config(step.type);
    const current = Object.fromEntries(config.managedPaths.map((p) => [p, readTarget(found as never, config.pathsByText.get(p)!)]));
    const changes = diffAttributes(current, step.attributes, config.managedPaths);
    const status = changes.length ? (await this.ctx.updates.update(endpointOf(step.type), found.id!, patchOperations(changes))).status : 409;
    const state = this.state(step.type, step.key);
    Object.assign(state, { targetId: found.id!, ownership: 'adopted', phase: 'linked', sent: pickManaged(step.attributes, config.managedPaths), managerKey: null, failures: 0, lastError: null });
    this.mark(step, 'adopted');
    return { batch: { upserts: [{ ...state }], log: [this.log(step, 'success', { targetId: found.id!, status, detail: 'it already existed on the target (409); taken over instead' })] } };
  }

  private async adopt(step: Extract<PlanStep, { action: 'adopt' }>): Promise<Outcome> {
    const config = this.config(step.type);
    const status = step.changes.length ? (await this.ctx.updates.update(endpointOf(step.type), step.targetId, patchOperations(step.changes))).status : null;
    const desired = this.ctx.desired.get(stateKey(step.type, step.key))!;
    const state = this.state(step.type, step.key);
    Object.assign(state, {
      targetId: step.targetId,
      ownership: step.ownership,
      phase: 'linked',
      sent: pickManaged(desired.mapped!.attributes, config.managedPaths),
      // The manager pass sets managerKey when it changes the manager; otherwise it already is as desired.
      managerKey: this.managerSteps.has(step.key) ? null : desired.mapped!.managerKey ?? null,
      goneSince: null,
      failures: 0,
      lastError: null,
    } satisfies Partial<ObjectState>);
    this.mark(step, step.ownership === 'created' ? 'created' : 'adopted');
    return { batch: { upserts: [{ ...state }], log: [this.log(step, 'success', { status })] } };
  }

  private async update(step: Extract<PlanStep, { action: 'update' | 'disable' }>): Promise<Outcome> {
    const { status } = await this.ctx.updates.update(endpointOf(step.type), step.targetId, patchOperations(step.changes));
    const state = this.state(step.type, step.key);
    state.sent = applyChanges(state.sent, step.changes);
    state.failures = 0;
    state.lastError = null;
    this.mark(step, step.action === 'disable' ? 'disabled' : 'updated');
    return { batch: { upserts: [{ ...state }], log: [this.log(step, 'success', { status })] } };
  }

  private async setManager(step: Extract<PlanStep, { action: 'set-manager' }>): Promise<Outcome> {
    const managerId = step.to === null ? null : this.targetIdOf('User', step.to);
    if (managerId === undefined) return { batch: { log: [this.log(step, 'skipped', { detail: `the manager ${step.to} is not on the target; next cycle tries again` })] } };
    const targetId = this.targetIdOf('User', step.key) ?? step.targetId;
    const path = `${ENTERPRISE_USER_SCHEMA}:manager`;
    const operation: PatchOperationBody = managerId === null ? { op: 'remove', path } : { op: 'replace', path, value: { value: managerId } };
    const { status } = await this.ctx.updates.update('Users', targetId, [operation]);
    const state = this.state('User', step.key);
    state.managerKey = step.to;
    this.mark(step, 'updated');
    return { batch: { upserts: [{ ...state }], log: [this.log(step, 'success', { targetId, status })] } };
  }

  private async changeMembers(step: Extract<PlanStep, { action: 'add-members' | 'remove-members' }>, note: string | null = null): Promise<Outcome> {
    const targetId = this.targetIdOf('Group', step.key) ?? step.targetId;
    const resolved = step.members.map((key) => ({ key, id: this.targetIdOf('User', key) }));
    const known = resolved.filter((m): m is { key: string; id: string } => m.id !== undefined);
    const kind = step.action === 'add-members' ? 'add' : 'remove';
    const result: MemberWriteResult = known.length
      ? await (kind === 'add' ? this.groupWriter.add(targetId, known.map((m) => m.id)) : this.groupWriter.remove(targetId, known.map((m) => m.id)))
      : { applied: [], ignored: [], refused: [], unverified: false, status: null };
    const applied = new Set(result.applied);
    const set = this.memberSet(step.key);
    const batch: Partial<StateBatch> = {};
    if (kind === 'add') {
      const done = known.filter((m) => applied.has(m.id));
      for (const m of done) set.add(m.key);
      batch.membershipAdds = done.map((m) => ({ group: step.key, member: m.key }));
    } else {
      // A member no longer on the target left the group with it; forget it either way.
      const done = resolved.filter((m) => m.id === undefined || applied.has(m.id));
      for (const m of done) set.delete(m.key);
      batch.membershipRemoves = done.map((m) => ({ group: step.key, member: m.key }));
    }
    const error = memberWriteError(result, kind);
    if (error) return merge({ batch }, this.failure(step, error));
    const missing = resolved.length - known.length;
    this.mark(step, 'updated');
    const details = [note, describeMemberWrite(result), missing && kind === 'add' ? `${missing} member(s) not on the target yet; next cycle adds them` : null].filter(Boolean);
    batch.log = [this.log(step, 'success', { targetId, status: result.status, detail: details.length ? details.join('; ') : null })];
    return { batch };
  }

  private async delete(step: Extract<PlanStep, { action: 'delete' }>): Promise<Outcome> {
    const result = await this.ctx.client.delete(endpointOf(step.type), step.targetId);
    this.ctx.states.delete(stateKey(step.type, step.key));
    if (step.type === 'Group') this.ctx.memberships.delete(step.key);
    else for (const members of this.ctx.memberships.values()) members.delete(step.key);
    this.mark(step, 'deleted');
    return {
      batch: {
        deletes: [{ type: step.type, key: step.key }],
        membershipRemovesOfMember: step.type === 'User' ? [step.key] : [],
        log: [this.log(step, 'success', { status: result.status, detail: result.existed ? step.reason : `${step.reason}; it was already gone from the target` })],
      },
    };
  }

  private failure(step: PlanStep, error: unknown): Outcome {
    const message = this.ctx.redactor.text(error instanceof Error ? error.message : String(error));
    if (error instanceof TargetThrottled) return this.throttle(step, error, message);
    const status = error instanceof ScimClientError ? error.status : null;
    if (isAuthenticationFailure(error)) this.authRefused ??= message;
    if (isAuthenticationFailure(error)) this.aborted ??= `the target refused the credential (${message}); check it with "scimd connection test" and replace it with "scimd connection set-secret"`;
    if (error instanceof TransportError && !this.aborted) this.transportFailures++;
    if (this.transportFailures >= 25) this.aborted ??= `the target stopped answering (${message})`;
    const state = this.state(step.type, step.key);
    state.failures++;
    state.lastError = message;
    state.retryAt = retryTime(state.failures, this.ctx.now());
    let detail = message;
    if (status === 404 && step.action !== 'create' && step.action !== 'delete') {
      // The target object is gone: forget the link, so the next cycle looks the object up again.
      Object.assign(state, { targetId: null, ownership: null, phase: 'linked', sent: {}, managerKey: null });
      detail = `${message}; the target object no longer exists, so the next cycle looks for it again`;
    }
    this.mark(step, 'failed');
    // An adoption that failed has no link yet, but its failure must be kept (escrow, "failing" in show
    // and status); the unlinked state makes the next attempt look the object up again.
    const keep = state.targetId !== null || state.phase === 'creating' || step.action === 'create' || step.action === 'adopt';
    return { batch: { upserts: keep ? [{ ...state, phase: step.action === 'create' ? 'creating' : state.phase }] : [], log: [this.log(step, 'failure', { status, detail })] } };
  }

  /**
   * A throttle the cycle does not wait out stops the cycle; the object is not failed and not put
   * in escrow (it did nothing wrong): the next cycle sends it again.
   */
  private throttle(step: PlanStep, error: TargetThrottled, message: string): Outcome {
    const wait = error.retryAfterMs !== undefined ? `asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s (Retry-After)` : 'kept throttling through every retry';
    this.throttled ??= `the target ${wait}, longer than a cycle pauses (15 minutes); nothing was counted as failed and the next cycle carries on from here`;
    this.aborted ??= this.throttled;
    return { batch: { log: [this.log(step, 'skipped', { status: error.status, detail: `not sent: ${this.throttled} (${message})` })] } };
  }

  private log(step: PlanStep, result: LogEntry['result'], extra: { targetId?: string | null; status?: number | null; detail?: string | null } = {}): LogEntry {
    const origin = this.ctx.desired.get(stateKey(step.type, step.key))?.origin ?? null;
    return stepLog(this.ctx.cycleId, this.ctx.now().toISOString(), step, result, this.ctx.redactor, { ...extra, origin });
  }

  private mark(step: PlanStep, category: Category): void {
    const key = stateKey(step.type, step.key);
    const current = this.categories.get(key);
    if (!current || RANK[category] > RANK[current]) this.categories.set(key, category);
  }

  private state(type: ObjectType, key: string): ObjectState {
    const id = stateKey(type, key);
    let state = this.ctx.states.get(id);
    if (!state) {
      state = newState(type, key);
      this.ctx.states.set(id, state);
    }
    return state;
  }

  private targetIdOf(type: ObjectType, key: string): string | undefined {
    return this.ctx.states.get(stateKey(type, key))?.targetId ?? undefined;
  }

  private memberSet(group: string): Set<string> {
    let set = this.ctx.memberships.get(group);
    if (!set) this.ctx.memberships.set(group, (set = new Set()));
    return set;
  }

  private config(type: ObjectType): ResourceConfig {
    return type === 'User' ? this.ctx.userConfig : this.ctx.groupConfig;
  }
}

function endpointOf(type: ObjectType): ResourceEndpoint {
  return type === 'User' ? 'Users' : 'Groups';
}

function emptyBatch(partial: Partial<StateBatch> = {}): StateBatch {
  return { upserts: [], deletes: [], membershipAdds: [], membershipRemoves: [], membershipRemovesOfMember: [], log: [], ...partial };
}

/** Two outcomes of one step as one: their state changes and log lines together. */
function merge(a: Outcome, b: Outcome): Outcome {
  const batch: Partial<StateBatch> = { ...a.batch };
  for (const key of Object.keys(b.batch) as (keyof StateBatch)[]) (batch[key] as unknown[]) = [...((a.batch[key] as unknown[]) ?? []), ...((b.batch[key] as unknown[]) ?? [])];
  return { batch };
}

/**
 * Orders new users so a manager is created before the people who report to it, level by
 * level; then each POST can carry its manager and no second request is needed. Users in a
 * manager cycle go last and get their manager in the manager pass.
 */
export function managerLevels(creates: Extract<PlanStep, { action: 'create' }>[]): PlanStep[][] {
  const byKey = new Map(creates.map((c) => [c.key, c]));
  const depth = new Map<string, number>();
  const depthOf = (key: string, seen: Set<string>): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    const manager = byKey.get(key)!.managerKey;
    let d = 0;
    if (manager && byKey.has(manager) && manager !== key) d = seen.has(manager) ? 0 : depthOf(manager, new Set([...seen, key])) + 1;
    depth.set(key, d);
    return d;
  };
  const levels: PlanStep[][] = [];
  for (const create of creates) {
    const d = depthOf(create.key, new Set([create.key]));
    (levels[d] ??= []).push(create);
  }
  return levels.filter(Boolean);
}
