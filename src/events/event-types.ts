import type { JsonObject } from '../scim/json.js';

/** Every kind of event scimd records. Resource events come from SCIM writes; the rest from administration. */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
  'directory.created',
  'directory.updated',
  'directory.deleted',
  'directory.connected',
  'directory.quiet',
  'secret.created',
  'secret.revoked',
  'secret.first_used',
  'secret.expiring',
  'secret.expired',
  'auth.rejected',
  'connection.quarantined',
  'connection.stopped',
  'connection.recovered',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** What the subject of an event is. */
export interface EventSubject {
  type: 'User' | 'Group' | 'Secret' | 'Directory' | 'Connection';
  id: string;
  /** The resource's version after the change (resources only). */
  version?: number;
}

/** An event before it is numbered: what a write produces inside its transaction. */
export interface EventDraft {
  type: EventType;
  subject: EventSubject;
  data: JsonObject;
}

/** An event as stored in the outbox and served by the feed. */
export interface DirectoryEvent extends EventDraft {
  /** Globally unique, stable across deliveries: `evt_…`. */
  id: string;
  /** The directory, or a stream of no directory (SYSTEM_STREAMS): the provisioning connections', the admin secrets'. */
  directoryId: string;
  /** Per directory, starting at 1, with no gaps. */
  sequence: number;
  occurredAt: string;
}
