import type { ObjectType } from './object-state.js';
import type { CycleCounts, PlanFailure, PlanStep } from '../../admin/api-views.js';

export type { Change, CycleCounts, DeprovisionReason, PlanFailure, PlanStep, StepAction } from '../../admin/api-views.js';

/**
 * Local bookkeeping that sends nothing: an object left the source (`gone`), came back to it
 * (`back`), or has nothing on the target and is forgotten (`forget`).
 */
export interface StateNote {
  kind: 'gone' | 'back' | 'forget';
  type: ObjectType;
  key: string;
}

export interface Plan {
  steps: PlanStep[];
  failures: PlanFailure[];
  notes: StateNote[];
  /** In-scope objects that need nothing. */
  unchanged: number;
  /** Linked objects before this cycle: the base of a percentage deletion threshold. */
  managed: number;
}

/** Which summary counter a step counts in; membership and manager changes are updates. */
export function countOf(step: PlanStep): keyof CycleCounts {
  switch (step.action) {
    case 'create':
      return 'created';
    case 'disable':
      return 'disabled';
    case 'delete':
      return 'deleted';
    case 'adopt':
      return 'adopted';
    default:
      return 'updated';
  }
}
