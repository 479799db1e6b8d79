import type { Plan } from './plan.js';
import type { DeletionThreshold } from '../../admin/api-views.js';

export type { DeletionThreshold } from '../../admin/api-views.js';

export interface BreakerVerdict {
  tripped: boolean;
  /** Disables and deletions in the plan. */
  deprovisions: number;
  /** The threshold in words, for the message. */
  limit: string;
}

/**
 * Entra's "prevent accidental deletions", evaluated per cycle: disables and deletions of users
 * and groups together are compared with the threshold, and above it the cycle stops before
 * sending anything until an admin allows it.
 */
export function checkDeletions(plan: Plan, threshold: DeletionThreshold | null): BreakerVerdict {
  const deprovisions = plan.steps.filter((s) => s.action === 'disable' || s.action === 'delete').length;
  if (!threshold) return { tripped: false, deprovisions, limit: 'none' };
  const limits: string[] = [];
  let tripped = false;
  if (threshold.count !== undefined) {
    limits.push(`${threshold.count}`);
    if (deprovisions > threshold.count) tripped = true;
  }
  if (threshold.percent !== undefined) {
    limits.push(`${threshold.percent}% of ${plan.managed} managed objects`);
    if (plan.managed > 0 && (deprovisions * 100) / plan.managed > threshold.percent) tripped = true;
  }
  return { tripped, deprovisions, limit: limits.join(' or ') };
}

/** Reads `500`, `10%` or `off`. */
export function parseDeletionThreshold(text: string): DeletionThreshold | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'off' || trimmed === 'none') return null;
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
  if (percent) return { percent: Number(percent[1]) };
  if (/^\d+$/.test(trimmed)) return { count: Number(trimmed) };
  throw new Error(`The deletion threshold ${JSON.stringify(text)} is a count (500), a percentage (10%) or off`);
}

export function describeThreshold(threshold: DeletionThreshold | null): string {
  if (!threshold) return 'off';
  return [threshold.count !== undefined ? String(threshold.count) : undefined, threshold.percent !== undefined ? `${threshold.percent}%` : undefined].filter(Boolean).join(' or ');
}
