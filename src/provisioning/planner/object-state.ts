import type { JsonValue } from '../../scim/json.js';
import type { ObjectType } from '../../admin/api-views.js';

export type { ObjectType } from '../../admin/api-views.js';

/**
 * What the engine remembers about one source object between cycles: the target object it is
 * linked to and the values last sent there, so an incremental cycle can compute what changed
 * without reading the target.
 */
export interface ObjectState {
  type: ObjectType;
  /** The source key, case-folded. */
  key: string;
  /** Null while a create is in flight (`phase: creating`) or after the link was broken. */
  targetId: string | null;
  /** How the engine came to manage the target object; it touches no other. */
  ownership: 'created' | 'adopted' | null;
  /** `creating`: a POST may have gone out before the process stopped; the next cycle looks for it. */
  phase: 'creating' | 'linked';
  /** Target path → value last sent (or found, when adopted). */
  sent: Record<string, JsonValue>;
  /** The manager's source key last sent; null when none was sent. */
  managerKey: string | null;
  /** When the source first lacked the object; it is deleted once the configured delay has passed. */
  goneSince: string | null;
  /** Consecutive failed attempts, and what the last one said. */
  failures: number;
  lastError: string | null;
  /** While it fails: when the engine tries it again (escrow); steps for it wait until then. */
  retryAt?: string | null;
}

export function newState(type: ObjectType, key: string): ObjectState {
  return { type, key, targetId: null, ownership: null, phase: 'linked', sent: {}, managerKey: null, goneSince: null, failures: 0, lastError: null, retryAt: null };
}
