import type { PlanFailure, PlanStep } from '../planner/plan.js';
import type { LogEntry } from '../store/connection-store.js';
import type { Redactor } from './redactor.js';

/** What a log line records about a step: the same for a planned step and for one carried out. */
export function stepPayload(step: PlanStep, redactor: Redactor): unknown {
  switch (step.action) {
    case 'create':
      return {
        attributes: redactor.attributes(step.attributes),
        ...(step.managerKey ? { manager: step.managerKey } : {}),
        ...(step.members ? { members: step.members } : {}),
      };
    case 'adopt':
    case 'update':
    case 'disable':
      return redactor.changes(step.changes);
    case 'set-manager':
      return { from: step.from, to: step.to };
    case 'add-members':
    case 'remove-members':
      return step.members;
    case 'delete':
      return null;
  }
}

/** The note a step carries in the log: why it is done. */
export function stepDetail(step: PlanStep): string | null {
  if (step.action === 'disable' || step.action === 'delete') return step.reason;
  if (step.action === 'adopt') return step.ownership === 'created' ? 'created by this connection in an interrupted cycle' : 'existed on the target; taken over';
  return null;
}

/** Where the source has an object, by its plan key; null for objects no longer in the source. */
export type OriginOf = (object: { type: PlanStep['type']; key: string }) => string | null;

export function stepLog(
  cycleId: string,
  at: string,
  step: PlanStep,
  result: LogEntry['result'],
  redactor: Redactor,
  extra: { targetId?: string | null; status?: number | null; detail?: string | null; origin?: string | null } = {},
): LogEntry {
  return {
    cycleId,
    at,
    type: step.type,
    key: step.key,
    origin: extra.origin ?? null,
    targetId: extra.targetId !== undefined ? extra.targetId : 'targetId' in step ? step.targetId : null,
    action: step.action,
    result,
    status: extra.status ?? null,
    detail: extra.detail !== undefined ? extra.detail : stepDetail(step),
    changes: stepPayload(step, redactor),
  };
}

export function failureLog(cycleId: string, at: string, failure: PlanFailure, redactor: Redactor, origin: string | null = null): LogEntry {
  return {
    cycleId,
    at,
    type: failure.type,
    key: failure.key,
    origin,
    targetId: failure.targetId,
    action: failure.action,
    result: 'failure',
    status: null,
    detail: redactor.text(failure.detail),
    changes: null,
  };
}
