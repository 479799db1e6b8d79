import type { Quarantine } from '../connections/connection.js';
import type { CycleCounts } from '../planner/plan.js';

/** Entra quarantines above 40 % failed; it starts counting at thousands, scimd at a few dozen. */
export const FAILURE_RATIO = 0.4;
export const MIN_FAILURES = 20;

/** A refused credential quarantines at once, whatever the counts. */
export function credentialQuarantine(detail: string, now: Date): Quarantine {
  return { reason: 'credentials', detail: `The target refused the credential: ${detail}. Replace it (set-secret), or clear the quarantine once the target accepts it again.`, since: now.toISOString() };
}

/** Most of what a cycle sent failed: the target, not the objects, is probably at fault. */
export function failureQuarantine(counts: Omit<CycleCounts, 'unchanged'>, now: Date): Quarantine | null {
  const attempted = counts.created + counts.updated + counts.disabled + counts.deleted + counts.failed;
  if (counts.failed < MIN_FAILURES || counts.failed / attempted <= FAILURE_RATIO) return null;
  const percent = Math.round((counts.failed * 100) / attempted);
  return {
    reason: 'failures',
    detail: `${counts.failed} of ${attempted} objects (${percent}%) failed in one cycle; see the log's failures for the target's answers. Scheduled cycles run once every 6 hours until a cycle succeeds, a test passes or an admin clears the quarantine.`,
    since: now.toISOString(),
  };
}
