import type { EventDraft } from './event-types.js';

/**
 * Provisioning connections belong to no directory, so their events go to one outbox stream of
 * their own under this reserved id (directory ids are `dir_…`, so it never collides with one).
 * The feed serves it as /api/v1/directories/connections/events; global webhooks (no directory) deliver it.
 */
export const CONNECTION_STREAM = 'connections';

/** The state changes of a connection an admin must hear about. */
export type ConnectionEventType = 'connection.quarantined' | 'connection.stopped' | 'connection.recovered';

/** What every connection event carries; `failures` is the number of objects that failed, when that is the cause. */
export interface ConnectionEventData {
  connectionId: string;
  connectionName: string;
  /** In plain words: why it was quarantined or stopped, or what it recovered from. */
  reason: string;
  /** When the state began: the quarantine's or stop's start; for a recovery, when the trouble began. */
  since: string;
  failures?: number;
}

/** A connection event before it is numbered, with when it happened (the engine's clock). */
export interface ConnectionEventDraft extends EventDraft {
  occurredAt: string;
}

/** The event draft for a connection's state change at `at`. */
export function connectionEvent(type: ConnectionEventType, data: ConnectionEventData, at: Date): ConnectionEventDraft {
  const { failures, ...rest } = data;
  return {
    occurredAt: at.toISOString(),
    type,
    subject: { type: 'Connection', id: data.connectionId },
    data: { ...rest, ...(failures === undefined ? {} : { failures }) },
  };
}
