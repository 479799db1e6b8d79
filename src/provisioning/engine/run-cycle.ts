import { randomBytes } from 'node:crypto';
import { TargetUpdates } from '../client/target-updates.js';
import { durationHint, parseDuration } from '../../auth/duration.js';
import type { Encryptor } from '../../auth/encryption.js';
import { isAuthenticationFailure } from '../client/client-errors.js';
import type { CurrentSecret } from '../client/credentials.js';
import type { ScimClientOptions } from '../client/scim-client.js';
import type { ConnectionRecord, Quarantine, TargetCredential } from '../connections/connection.js';
import { secretsOf, targetClient } from '../connections/target-client.js';
import { buildPlan, lookupCandidates, stateKey } from '../planner/build-plan.js';
import { checkDeletions } from '../planner/circuit-breaker.js';
import type { DesiredObject } from '../planner/desired-state.js';
import type { ObjectState } from '../planner/object-state.js';
import { countOf, type CycleCounts, type Plan } from '../planner/plan.js';
import type { ConnectionStore, CycleRecord, CycleSummary, LogEntry } from '../store/connection-store.js';
import { CycleBusy, CycleLease } from './cycle-lease.js';
import { holdEscrowed, retryTime } from './escrow.js';
import { credentialQuarantine, failingRun, failureQuarantine, isFailingCycle } from './quarantine.js';
import { PlanExecutor } from './execute-plan.js';
import type { MemberBatches } from './group-writes.js';
import { matchTargets } from './match-targets.js';
import { prepareSource } from './prepare-source.js';
import { describeDrift, refreshFromTarget } from './refresh-from-target.js';
import { Redactor } from './redactor.js';
import { failureLog, type OriginOf, stepLog } from './step-log.js';

export interface CycleOptions {
  store: ConnectionStore;
  connection: ConnectionRecord;
  credential: TargetCredential;
  dryRun?: boolean;
  /** Lets this cycle pass the deletion threshold (Entra's "Allow deletes"). */
  allowDeletes?: boolean;
  now?: () => Date;
  onProgress?: (event: ProgressEvent) => void;
  clientOptions?: Partial<ScimClientOptions>;
  /** Steps sent before their results are committed (default 100). */
  chunkSize?: number;
  /** Decrypts the source's own credential (LDAP bind password, SCIM source secret). */
  encryptor?: Encryptor;
  /** Hold back objects in escrow until their retry time (scheduled cycles); a cycle asked for retries everything. */
  honourEscrow?: boolean;
  /** Shutdown: the chunk in flight is committed, the cycle ends `interrupted`, the next one carries on. */
  signal?: AbortSignal;
  /** Full reconcile (Entra's "Restart provisioning"): read every linked object back from the target and repair what differs. */
  full?: boolean;
  /** The secret stored now: a 401 is retried once with it when it differs (the engine rotated its own secret meanwhile). */
  currentSecret?: CurrentSecret;
}

export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
  requests: number;
  elapsedMs: number;
}

export interface CycleReport {
  cycle: CycleRecord;
  summary: CycleSummary;
  /** The plan, for dry runs and for cycles the deletion threshold stopped. */
  plan?: Plan;
  /** Set when the target refused the credential or most calls failed: the connection should be quarantined. */
  quarantine?: Quarantine;
}

/**
 * One provisioning cycle of a connection: read and map the source, look up new objects on the
 * target, plan, check the deletion threshold, then (unless it is a dry run) carry the plan out.
 * Every cycle is recorded with its summary; every step and failure is in the provisioning log.
 */
export async function runCycle(options: CycleOptions): Promise<CycleReport> {
  const { store, connection } = options;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const lease = new CycleLease(store, connection.id);
  if (!(await lease.acquire())) throw new CycleBusy(connection.name);
  const cycle: CycleRecord = {
    id: `cyc_${randomBytes(8).toString('hex')}`,
    connectionId: connection.id,
    startedAt: now().toISOString(),
    finishedAt: null,
    dryRun: Boolean(options.dryRun),
    status: 'running',
    summary: null,
    message: null,
  };
  let requests = 0;
  let retries = 0;
  const target = targetClient(connection, options.credential, {
    ...options.clientOptions,
    onAttempt: (event) => {
      requests++;
      if (event.attempt > 1) retries++;
      options.clientOptions?.onAttempt?.(event);
    },
  }, options.currentSecret);
  const progress = (phase: string, done: number, total: number) =>
    options.onProgress?.({ phase, done, total, requests, elapsedMs: Date.now() - started });
  let quarantine: Quarantine | undefined;
  const summary: CycleSummary = { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: 0, failed: 0, durationMs: 0, requests: 0, retries: 0, sourceProblems: [], deprovisions: 0 };
  const finish = async (status: CycleRecord['status'], message: string | null, plan?: Plan): Promise<CycleReport> => {
    Object.assign(summary, { durationMs: Date.now() - started, requests, retries });
    const finishedAt = now().toISOString();
    await store.finishCycle(cycle.id, status, finishedAt, summary, message);
    return { cycle: { ...cycle, status, finishedAt, summary, message }, summary, ...(plan ? { plan } : {}), ...(quarantine ? { quarantine } : {}) };
  };

  try {
    await store.interruptRunningCycles(connection.id);
    const previousFailing = failingRun(await store.listCycles(connection.id, 10));
    await store.startCycle(cycle);
    progress('source', 0, 1);
    let prepared;
    try {
      prepared = await prepareSource(connection, now(), { store, encryptor: options.encryptor });
    } catch (error) {
      return await finish('failed', `The source could not be read or mapped: ${(error as Error).message}`);
    }
    summary.sourceProblems = prepared.snapshot.problems.slice(0, 100);
    const redactor = new Redactor(secretsOf(options.credential), [...prepared.userConfig.mappings, ...prepared.groupConfig.mappings].filter((m) => m.redacted).map((m) => m.path.text));
    const desired = new Map([...prepared.users, ...prepared.groups].map((d) => [stateKey(d.type, d.key), d]));
    const originOf: OriginOf = (o) => desired.get(stateKey(o.type, o.key))?.origin ?? null;
    const states = new Map((await store.loadObjects(connection.id)).map((s) => [stateKey(s.type, s.key), s] as [string, ObjectState]));
    const memberships = new Map<string, Set<string>>();
    for (const { group, member } of await store.loadMemberships(connection.id)) {
      if (!memberships.has(group)) memberships.set(group, new Set());
      memberships.get(group)!.add(member);
    }

    const groupsOn = connection.settings.groups;
    if (options.full) {
      summary.drift = await refreshFromTarget({
        client: target.client,
        states,
        memberships,
        userConfig: prepared.userConfig,
        groupConfig: prepared.groupConfig,
        groups: groupsOn,
        showsMembersOnGet: connection.targetProfile?.showsMembersOnGet,
        onProgress: progress,
      });
    }

    // Look up objects the engine does not know on the target yet (reads only).
    const matches = new Map();
    for (const [endpoint, desired, config] of [
      ['Users', prepared.users, prepared.userConfig],
      ['Groups', groupsOn ? prepared.groups : [], prepared.groupConfig],
    ] as const) {
      const candidates = lookupCandidates(desired as DesiredObject[], states);
      progress(`matching ${endpoint.toLowerCase()}`, 0, candidates.length);
      const outcome = await matchTargets(target.client, endpoint, candidates, config);
      for (const [key, value] of outcome.matches) matches.set(key, value);
      for (const d of desired as DesiredObject[]) {
        const error = outcome.errors.get(stateKey(d.type, d.key));
        if (error) Object.assign(d, { error: `looking it up on the target failed: ${redactor.text(error)}`, errorAction: 'match' });
      }
      progress(`matching ${endpoint.toLowerCase()}`, candidates.length, candidates.length);
    }

    const deleteAfterMs = parseDeleteAfter(connection.settings.deleteAfter);
    const plan = buildPlan({
      users: prepared.users,
      groups: prepared.groups,
      userConfig: prepared.userConfig,
      groupConfig: prepared.groupConfig,
      states,
      memberships,
      matches,
      settings: { deleteAfterMs, adopt: connection.settings.adopt, groups: groupsOn },
      now: now(),
    });
    const escrowed = options.honourEscrow && !options.full ? holdEscrowed(plan, states, now()) : [];
    const verdict = checkDeletions(plan, connection.settings.deletionThreshold);
    summary.deprovisions = verdict.deprovisions;
    const at = now().toISOString();

    if (verdict.tripped && !options.allowDeletes && !options.dryRun) {
      // Nothing was sent: the counts stay at zero and the would-be counts are the plan's.
      summary.planned = predictedCounts(plan);
      const held = plan.steps.filter((s) => s.action === 'disable' || s.action === 'delete');
      await store.commit(connection.id, {
        upserts: [],
        deletes: [],
        membershipAdds: [],
        membershipRemoves: [],
        membershipRemovesOfMember: [],
        log: held.map((step) => stepLog(cycle.id, at, step, 'skipped', redactor, { detail: `held by the deletion threshold (${verdict.limit})`, origin: originOf(step) })),
      });
      const message =
        `Stopped: this cycle would disable or delete ${verdict.deprovisions} objects, above the deletion threshold of ${verdict.limit}. ` +
        `Nothing was sent. Review them with "scimd sync ${connection.name} --dry-run", then run "scimd sync ${connection.name} --allow-deletes" to go ahead.`;
      return await finish('stopped', message, plan);
    }

    if (options.dryRun) {
      Object.assign(summary, predictedCounts(plan));
      const log: LogEntry[] = [...plan.steps.map((step) => stepLog(cycle.id, at, step, 'planned', redactor, { origin: originOf(step) })), ...plan.failures.map((f) => failureLog(cycle.id, at, f, redactor, originOf(f)))];
      for (let i = 0; i < log.length; i += 2000) {
        await store.commit(connection.id, { upserts: [], deletes: [], membershipAdds: [], membershipRemoves: [], membershipRemovesOfMember: [], log: log.slice(i, i + 2000) });
      }
      const threshold = verdict.tripped ? `The deletion threshold (${verdict.limit}) would stop this plan: ${verdict.deprovisions} disables and deletions.` : null;
      return await finish('completed', [summary.drift ? describeDrift(summary.drift) : null, threshold].filter(Boolean).join(' ') || null, plan);
    }

    // Bookkeeping that sends nothing, then the failures the plan already knows, then the steps.
    const upserts: ObjectState[] = [];
    const deletes: { type: ObjectState['type']; key: string }[] = [];
    for (const note of plan.notes) {
      const id = stateKey(note.type, note.key);
      const state = states.get(id);
      if (!state) continue;
      if (note.kind === 'forget') {
        states.delete(id);
        deletes.push({ type: note.type, key: note.key });
      } else {
        state.goneSince = note.kind === 'gone' ? at : null;
        upserts.push({ ...state });
      }
    }
    const failureLogs = plan.failures.map((f) => failureLog(cycle.id, at, f, redactor, originOf(f)));
    for (const step of escrowed) {
      const state = states.get(stateKey(step.type, step.key))!;
      failureLogs.push(stepLog(cycle.id, at, step, 'skipped', redactor, { detail: `in escrow after ${state.failures} failed attempt(s); retried at ${state.retryAt}`, origin: originOf(step) }));
    }
    for (const failure of plan.failures) {
      const state = states.get(stateKey(failure.type, failure.key));
      if (state) upserts.push({ ...state, failures: state.failures + 1, lastError: redactor.text(failure.detail), retryAt: retryTime(state.failures + 1, now()) });
    }
    await store.commit(connection.id, { upserts, deletes, membershipAdds: [], membershipRemoves: [], membershipRemovesOfMember: [], log: failureLogs });

    const executor = new PlanExecutor({
      client: target.client,
      updates: new TargetUpdates(target.client, connection.settings.wireFormat ?? 'scim'),
      store,
      connectionId: connection.id,
      cycleId: cycle.id,
      states,
      memberships,
      desired,
      userConfig: prepared.userConfig,
      groupConfig: prepared.groupConfig,
      adopt: connection.settings.adopt,
      redactor,
      now,
      chunkSize: options.chunkSize ?? 100,
      signal: options.signal,
      onProgress: progress,
      membersPerRequest: connection.settings.membersPerRequest,
      targetProfile: connection.targetProfile,
    });
    const result = await executor.run(plan);
    await rememberBatchSize(store, connection, executor.groupWriter.batches);
    const failedObjects = new Set(plan.failures.map((f) => stateKey(f.type, f.key)));
    Object.assign(summary, result.counts, { unchanged: plan.unchanged, failed: result.counts.failed + failedObjects.size });
    if (result.authRefused) quarantine = credentialQuarantine(result.authRefused, now());
    else quarantine = failureQuarantine(result.counts, previousFailing, now()) ?? undefined;
    if (isFailingCycle(result.counts) && !result.throttled) summary.failing = true;
    if (result.throttled) return await finish('interrupted', `Paused by the target: ${result.throttled}`);
    if (result.aborted && options.signal?.aborted && !result.authRefused) return await finish('interrupted', `Stopped early: ${result.aborted}`);
    if (result.aborted) return await finish('failed', `Stopped early: ${result.aborted}`);
    return await finish('completed', summary.drift ? describeDrift(summary.drift) : null);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = isAuthenticationFailure(error) ? '; check the credential with "scimd connection test" and replace it with "scimd connection set-secret"' : '';
    if (isAuthenticationFailure(error)) quarantine = credentialQuarantine(new Redactor(secretsOf(options.credential)).text(message), now());
    return await finish('failed', `${new Redactor(secretsOf(options.credential)).text(message)}${hint}`);
  } finally {
    target.close();
    await lease.release();
  }
}

/** A member batch size the target refused this cycle is stored, so later cycles start at the size it took. */
async function rememberBatchSize(store: ConnectionStore, connection: ConnectionRecord, batches: MemberBatches): Promise<void> {
  if (batches.smallestRefused === null) return;
  const profile = connection.targetProfile ?? {};
  const accepted = batches.largestAccepted || 1;
  if (profile.refusedBatch === batches.smallestRefused && profile.largestAcceptedBatch === accepted) return;
  await store.setTargetProfile(connection.id, { ...profile, largestAcceptedBatch: accepted, refusedBatch: batches.smallestRefused });
}

/** The summary a plan predicts, per object: the strongest of its steps, or failed. */
export function predictedCounts(plan: Plan): CycleCounts {
  const rank: (keyof CycleCounts)[] = ['adopted', 'updated', 'created', 'disabled', 'deleted', 'failed'];
  const byObject = new Map<string, keyof CycleCounts>();
  const mark = (key: string, category: keyof CycleCounts) => {
    const current = byObject.get(key);
    if (!current || rank.indexOf(category) > rank.indexOf(current)) byObject.set(key, category);
  };
  for (const step of plan.steps) mark(stateKey(step.type, step.key), step.action === 'adopt' && step.ownership === 'created' ? 'created' : countOf(step));
  for (const failure of plan.failures) mark(stateKey(failure.type, failure.key), 'failed');
  const counts: CycleCounts = { created: 0, updated: 0, disabled: 0, deleted: 0, unchanged: plan.unchanged, failed: 0, adopted: 0 };
  for (const category of byObject.values()) counts[category] = (counts[category] ?? 0) + 1;
  return counts;
}

/** `0` (delete at once), a duration such as `30d`, or `never`. */
export function parseDeleteAfter(text: string): number | null {
  if (/^\s*0+\s*(s|min|h|d|w|mo|y)?\s*$/i.test(text)) return 0;
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`deleteAfter ${JSON.stringify(text)} is 0, a duration such as 30d or 12h, or never${durationHint(text)}`);
  return ms;
}
