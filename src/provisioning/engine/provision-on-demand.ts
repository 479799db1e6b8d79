import { randomBytes } from 'node:crypto';
import { TargetUpdates } from '../client/target-updates.js';
import type { Encryptor } from '../../auth/encryption.js';
import { foldCase } from '../../scim/compare.js';
import type { ScimClientOptions } from '../client/scim-client.js';
import type { ConnectionRecord } from '../connections/connection.js';
import { decryptCredential, secretsOf, targetClient } from '../connections/target-client.js';
import { buildPlan, lookupCandidates, stateKey } from '../planner/build-plan.js';
import type { ObjectState } from '../planner/object-state.js';
import type { Plan, PlanStep } from '../planner/plan.js';
import type { ConnectionStore, CycleRecord, CycleSummary } from '../store/connection-store.js';
import { CycleBusy, CycleLease } from './cycle-lease.js';
import { PlanExecutor } from './execute-plan.js';
import { matchTargets } from './match-targets.js';
import { prepareSource } from './prepare-source.js';
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
  user: string;
  /** The cycle the changes are logged under; null when nothing was sent. */
  cycleId: string | null;
  steps: OnDemandStep[];
}

export interface OnDemandOptions {
  store: ConnectionStore;
  encryptor: Encryptor;
  connection: ConnectionRecord;
  /** The user's source key. */
  key: string;
  now?: () => Date;
  clientOptions?: Partial<ScimClientOptions>;
}

/**
 * Provision on demand: one user, now, with each step reported as Entra's portal shows it —
 * found in the source, mapped, in scope, matched on the target, what the engine will do (with
 * the attribute changes), and what the target answered. Group memberships wait for the next
 * cycle. The changes are logged under a cycle of their own, so the log tells the whole story.
 */
export async function provisionOnDemand(options: OnDemandOptions): Promise<OnDemandReport> {
  const { store, connection } = options;
  const now = options.now ?? (() => new Date());
  const steps: OnDemandStep[] = [];
  const add = (step: string, status: OnDemandStatus, detail: string, data?: unknown) => steps.push({ step, status, detail, ...(data !== undefined ? { data } : {}) });
  const report = (cycleId: string | null): OnDemandReport => ({ ok: steps.every((s) => s.status !== 'failed'), user: options.key, cycleId, steps });

  const lease = new CycleLease(store, connection.id);
  if (!(await lease.acquire())) throw new CycleBusy(connection.name);
  const credential = decryptCredential(connection, options.encryptor);
  const target = targetClient(connection, credential, options.clientOptions);
  try {
    let prepared;
    try {
      prepared = await prepareSource(connection, now(), { store, encryptor: options.encryptor, preview: true });
    } catch (error) {
      add('Source', 'failed', `the source could not be read or mapped: ${(error as Error).message}`);
      return report(null);
    }
    const redactor = new Redactor(secretsOf(credential), prepared.userConfig.mappings.filter((m) => m.redacted).map((m) => m.path.text));
    const key = foldCase(options.key);
    const desired = prepared.users.find((d) => d.key === key);
    if (!desired) {
      add('Source', 'failed', `no user with the key ${JSON.stringify(options.key)} among the ${prepared.users.length} users the source holds`);
      return report(null);
    }
    add('Source', 'ok', `found ${desired.origin}`);
    if (desired.error && desired.errorAction !== 'match') {
      add('Mapping', 'failed', redactor.text(desired.error));
      return report(null);
    }
    add('Mapping', 'ok', 'the mappings produced these target attributes', redactor.attributes(desired.mapped!.attributes));
    if (!desired.inScope) add('Scope', 'warning', `out of scope (${connection.scoping.users}); a user the engine manages is disabled`);
    else if (!desired.enabled) add('Scope', 'warning', 'in scope, but disabled in the source; a user the engine manages is disabled');
    else add('Scope', 'ok', connection.scoping.users ? `in scope (${connection.scoping.users})` : 'in scope (no scoping filter)');

    const states = new Map((await store.loadObjects(connection.id)).map((s) => [stateKey(s.type, s.key), s] as [string, ObjectState]));
    const state = states.get(stateKey('User', key));
    const matches = new Map();
    if (state?.targetId) add('Match', 'ok', `linked to target user ${state.targetId} (${state.ownership ?? 'linked'} by this connection)`);
    else {
      const outcome = await matchTargets(target.client, 'Users', lookupCandidates([desired], states), prepared.userConfig);
      const error = outcome.errors.get(stateKey('User', key));
      if (error) {
        add('Match', 'failed', `looking it up on the target failed: ${redactor.text(error)}`);
        return report(null);
      }
      const found = outcome.matches.get(stateKey('User', key));
      if (found) add('Match', 'ok', `matched target user ${found.id} by ${desired.matchFilters[0]}`);
      else if (desired.enabled) add('Match', 'ok', `no target user has ${desired.matchFilters.join(' or ')}`);
      else add('Match', 'skipped', 'not looked up: the user is not to be provisioned');
      for (const [k, v] of outcome.matches) matches.set(k, v);
    }

    const plan = buildPlan({
      users: [desired],
      groups: [],
      userConfig: prepared.userConfig,
      groupConfig: prepared.groupConfig,
      states,
      memberships: new Map(),
      matches,
      settings: { deleteAfterMs: parseDeleteAfter(connection.settings.deleteAfter), adopt: connection.settings.adopt, groups: false },
      now: now(),
    });
    // Planned with every state, so links and claims are right; only this user's steps are kept.
    const mine = (s: { type: string; key: string }) => s.type === 'User' && s.key === key;
    const own: Plan = { ...plan, steps: plan.steps.filter(mine), failures: plan.failures.filter(mine), notes: [] };
    if (own.failures.length) {
      add('Plan', 'failed', own.failures.map((f) => redactor.text(f.detail)).join('; '));
      return report(null);
    }
    if (!own.steps.length) {
      add('Plan', 'ok', 'nothing to do: the target already has what the source says');
      return report(null);
    }
    add('Plan', 'ok', own.steps.map(describe).join('; '), own.steps.map((s) => ({ action: s.action, changes: stepPayload(s, redactor) })));

    const cycle: CycleRecord = { id: `cyc_${randomBytes(8).toString('hex')}`, connectionId: connection.id, startedAt: now().toISOString(), finishedAt: null, dryRun: false, status: 'running', summary: null, message: null };
    await store.startCycle(cycle);
    const executor = new PlanExecutor({
      client: target.client,
      updates: new TargetUpdates(target.client, connection.settings.wireFormat ?? 'scim'),
      store,
      connectionId: connection.id,
      cycleId: cycle.id,
      states,
      memberships: new Map(),
      desired: new Map([[stateKey('User', key), desired]]),
      userConfig: prepared.userConfig,
      groupConfig: prepared.groupConfig,
      adopt: connection.settings.adopt,
      redactor,
      now,
      chunkSize: 10,
      membersPerRequest: connection.settings.membersPerRequest,
      targetProfile: connection.targetProfile,
    });
    const result = await executor.run(own);
    const entries = await store.readLog(connection.id, { cycleId: cycle.id, limit: 50 });
    for (const entry of entries) {
      const answer = entry.status === null ? '' : `; the target answered ${entry.status}`;
      add(`Target: ${entry.action}`, entry.result === 'success' ? 'ok' : entry.result === 'skipped' ? 'skipped' : 'failed', `${entry.result}${answer}${entry.detail ? `: ${entry.detail}` : ''}`, entry.targetId ? { targetId: entry.targetId } : undefined);
    }
    const summary: CycleSummary = { ...result.counts, unchanged: 0, durationMs: Date.parse(now().toISOString()) - Date.parse(cycle.startedAt), requests: entries.length, retries: 0, sourceProblems: [], deprovisions: 0 };
    await store.finishCycle(cycle.id, result.aborted ? 'failed' : 'completed', now().toISOString(), summary, `Provisioned on demand: user ${options.key}${result.aborted ? `; ${result.aborted}` : ''}`);
    return report(cycle.id);
  } finally {
    target.close();
    await lease.release();
  }
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
