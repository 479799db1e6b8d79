import { CONNECTION_STREAM } from './connection-events.js';

/**
 * Admin secrets belong to no directory, so their lifecycle events (`secret.expiring`,
 * `secret.expired`, `auth.rejected`) go to one outbox stream of their own under this reserved id
 * (directory ids are `dir_…`, so it never collides with one).
 */
export const ADMIN_STREAM = 'admin';

/**
 * The outbox streams that belong to no directory. Global webhooks and notification recipients
 * without a directory deliver each of them beside the directories' streams; the feed serves each
 * under its id.
 */
export const SYSTEM_STREAMS = [CONNECTION_STREAM, ADMIN_STREAM] as const;
export type SystemStream = (typeof SYSTEM_STREAMS)[number];

export function isSystemStream(id: string): id is SystemStream {
  return (SYSTEM_STREAMS as readonly string[]).includes(id);
}
