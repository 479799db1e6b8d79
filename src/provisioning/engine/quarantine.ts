import type { Quarantine } from '../connections/connection.js';
import type { CycleCounts } from '../planner/plan.js';
import type { CycleRecord } from '../store/connection-store.js';

/**
 * A cycle is *failing* when more than 40 % of the objects it sent failed and at least 20 did
 * (Entra uses 40 % too, counted over thousands). One failing cycle is a glitch: its objects go to
 * escrow and are retried. The connection is quarantined for failures only when FAILING_CYCLES
 * real cycles in a row were failing (cycles interrupted or paused by a throttle do not break or
 * extend the run; any other finished cycle breaks it).
 */
export const FAILURE_RATIO = 0.4;
export const MIN_FAILURES = 20;
export const FAILING_CYCLES = 3;

/** A refused credential quarantines at once, whatever the counts. */
export function credentialQuarantine(detail: string, now: Date): Quarantine {
  return { reason: 'credentials', detail: `The target refused the credential: ${detail}. Replace it (set-secret), or clear the quarantine once the target accepts it again.`, since: now.toISOString() };
}

/** Whether a cycle's counts make it a failing cycle (see above). */
export function isFailingCycle(counts: Omit<CycleCounts, 'unchanged'>): boolean {
  const attempted = attemptedOf(counts);
  return counts.failed >= MIN_FAILURES && counts.failed / attempted > FAILURE_RATIO;
}

function attemptedOf(counts: Omit<CycleCounts, 'unchanged'>): number {
  return counts.created + counts.updated + counts.disabled + counts.deleted + counts.failed + (counts.adopted ?? 0);
}

/** How many failing real cycles in a row end the history (newest first), before the current one. */
export function failingRun(cyclesNewestFirst: CycleRecord[]): number {
  let run = 0;
  for (const cycle of cyclesNewestFirst) {
    if (cycle.dryRun || cycle.status === 'running' || cycle.status === 'interrupted') continue;
    if (!cycle.summary?.failing) break;
    run++;
  }
  return run;
}

/** The quarantine a failing cycle brings when it is the FAILING_CYCLES-th in a row; null otherwise. */
export function failureQuarantine(counts: Omit<CycleCounts, 'unchanged'>, previousFailing: number, now: Date): Quarantine | null {
  if (!isFailingCycle(counts) || previousFailing + 1 < FAILING_CYCLES) return null;
  const attempted = attemptedOf(counts);
  const percent = Math.round((counts.failed * 100) / attempted);
  return {
    reason: 'failures',
    detail: `${counts.failed} of ${attempted} objects (${percent}%) failed, and this is cycle ${FAILING_CYCLES} in a row with more than ${FAILURE_RATIO * 100}% failed; see the log's failures for the target's answers. Scheduled cycles run once every 6 hours until a cycle succeeds, a test passes or an admin clears the quarantine.`,
    since: now.toISOString(),
  };
}
