import { connectionEvent, type ConnectionEventDraft } from '../../events/connection-events.js';
import type { ConnectionRecord, Quarantine } from '../connections/connection.js';
import type { CycleRecord } from '../store/connection-store.js';

/** connection.quarantined: the connection entered quarantine (not again while it stays there). */
export function quarantinedEvent(connection: ConnectionRecord, quarantine: Quarantine, failures: number | undefined, at: Date): ConnectionEventDraft {
  return connectionEvent(
    'connection.quarantined',
    { connectionId: connection.id, connectionName: connection.name, reason: quarantine.detail, since: quarantine.since, ...(quarantine.reason === 'failures' && failures ? { failures } : {}) },
    at,
  );
}

/** connection.stopped: the deletion threshold stopped a cycle (the first of a run of stopped cycles). */
export function stoppedEvent(connection: ConnectionRecord, cycle: CycleRecord, at: Date): ConnectionEventDraft {
  return connectionEvent('connection.stopped', { connectionId: connection.id, connectionName: connection.name, reason: cycle.message ?? 'stopped by the deletion threshold', since: cycle.startedAt }, at);
}

/** connection.recovered: it left quarantine or a threshold stop; `since` is when that trouble began. */
export function recoveredEvent(connection: ConnectionRecord, how: string, since: string, at: Date): ConnectionEventDraft {
  return connectionEvent('connection.recovered', { connectionId: connection.id, connectionName: connection.name, reason: how, since }, at);
}

/** When the run of threshold-stopped cycles just before now began, or null when the last real cycle was not stopped. */
export function stoppedSince(cyclesNewestFirst: CycleRecord[]): string | null {
  let since: string | null = null;
  for (const cycle of cyclesNewestFirst.filter((c) => !c.dryRun && c.status !== 'running')) {
    if (cycle.status !== 'stopped') break;
    since = cycle.startedAt;
  }
  return since;
}
