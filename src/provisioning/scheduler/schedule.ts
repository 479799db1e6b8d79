import { durationHint, parseDuration } from '../../auth/duration.js';
import { DEFAULT_SETTINGS } from '../connections/connection.js';

/** When a connection's cycles run in `scimd serve`. */
export type Schedule = { kind: 'interval'; ms: number } | { kind: 'continuous' } | { kind: 'off' };

/** A quarantined connection is tried this often, whatever its schedule (Entra: once a day). */
export const QUARANTINE_INTERVAL_MS = 6 * 3_600_000;
/** After this long in quarantine scheduled cycles stop until an admin acts (Entra: four weeks, then the job is disabled). */
export const QUARANTINE_GIVE_UP_MS = 28 * 86_400_000;
/** The pause between cycles of a `continuous` connection, so an idle hub does not spin. */
export const CONTINUOUS_PAUSE_MS = 2000;

/** Reads `40min`, `1h`, `30s`, `continuous` or `off`. */
export function parseSchedule(text: string | undefined): Schedule {
  const value = (text ?? DEFAULT_SETTINGS.schedule!).trim().toLowerCase();
  if (value === 'continuous') return { kind: 'continuous' };
  if (value === 'off' || value === 'manual') return { kind: 'off' };
  const ms = parseDuration(value);
  if (typeof ms !== 'number' || ms < 1000) throw new Error(`The schedule ${JSON.stringify(text)} is a duration (40min, 1h, 30s), continuous (for hub mode) or off${typeof ms === 'number' ? '' : durationHint(value)}`);
  return { kind: 'interval', ms };
}

/**
 * When the next scheduled cycle is due: the schedule after the last cycle started (at once when
 * there was none), sooner when an object's escrow retry comes first; a quarantined connection
 * waits at least QUARANTINE_INTERVAL_MS. Null: not scheduled.
 */
export function nextRunAt(input: { schedule: Schedule; lastStart: Date | null; lastEnd: Date | null; escrowRetry: Date | null; quarantined: boolean }): Date | null {
  const { schedule, lastStart, lastEnd } = input;
  if (schedule.kind === 'off') return null;
  if (!lastStart) return new Date(0);
  let next =
    schedule.kind === 'continuous'
      ? new Date((lastEnd ?? lastStart).getTime() + CONTINUOUS_PAUSE_MS)
      : new Date(lastStart.getTime() + schedule.ms);
  if (input.quarantined) return new Date(Math.max(next.getTime(), lastStart.getTime() + QUARANTINE_INTERVAL_MS));
  if (input.escrowRetry && input.escrowRetry < next) next = input.escrowRetry;
  return next;
}
