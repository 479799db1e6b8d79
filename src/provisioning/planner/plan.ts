import type { JsonValue } from '../../scim/json.js';
import type { ObjectType } from './object-state.js';

/** One attribute that changes: `to` undefined removes it, `from` undefined adds it. */
export interface Change {
  path: string;
  from?: JsonValue;
  to?: JsonValue;
}

/**
 * One thing a cycle does to the target. A dry run stores these; a real run carries them out in
 * order (users, managers, groups, memberships, deletions) and logs each one.
 */
export type PlanStep =
  | { action: 'create'; type: ObjectType; key: string; attributes: Record<string, JsonValue>; managerKey?: string; members?: string[] }
  | { action: 'adopt'; type: ObjectType; key: string; targetId: string; ownership: 'created' | 'adopted'; changes: Change[] }
  | { action: 'update'; type: ObjectType; key: string; targetId: string; changes: Change[] }
  | { action: 'disable'; type: 'User'; key: string; targetId: string; reason: DeprovisionReason; changes: Change[] }
  | { action: 'delete'; type: ObjectType; key: string; targetId: string; reason: DeprovisionReason }
  | { action: 'set-manager'; type: 'User'; key: string; targetId: string; from: string | null; to: string | null }
  | { action: 'add-members'; type: 'Group'; key: string; targetId: string; members: string[] }
  | { action: 'remove-members'; type: 'Group'; key: string; targetId: string; members: string[] };

export type DeprovisionReason = 'out of scope' | 'disabled in source' | 'deleted in source';
export type StepAction = PlanStep['action'];

/** An object the plan could not be made for (its mapping failed, it has no matching value, …). */
export interface PlanFailure {
  type: ObjectType;
  key: string;
  targetId: string | null;
  action: StepAction | 'map' | 'match';
  detail: string;
}

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

/** The summary every cycle reports. */
export interface CycleCounts {
  created: number;
  updated: number;
  disabled: number;
  deleted: number;
  unchanged: number;
  failed: number;
  /** Target objects taken over (adopted) this cycle; an adoption that also changed values counts here, not in `updated`. */
  adopted?: number;
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
