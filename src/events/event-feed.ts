import { AdminError } from '../admin/admin-error.js';
import type { Store } from '../store/store.js';
import type { JsonObject } from '../scim/json.js';
import { isSystemStream } from './system-streams.js';
import type { DirectoryEvent } from './event-types.js';
import { toSecurityEventToken } from './security-event-token.js';
import type { EventNotifier } from './event-notifier.js';

export interface FeedQuery {
  /** Events with a sequence above this one. */
  after: number;
  limit: number;
  /** Long-poll: how long to wait for a first event when there is none yet, in ms (0: answer at once). */
  waitMs: number;
}

export interface FeedPage {
  events: DirectoryEvent[];
  /** The `after` of the next call: the last sequence returned, or the one asked for. */
  next: number;
  /** The directory's latest sequence when the page was read. */
  latest: number;
}

/** The response header that names the event sequence a SCIM listing or a feed page reflects. */
export const EVENT_SEQUENCE_HEADER = 'x-scimd-event-sequence';

export const MAX_FEED_LIMIT = 1000;
export const MAX_FEED_WAIT_MS = 60_000;

/**
 * One directory's events in sequence order, with long-polling. Sequences have no gaps and a
 * directory's events commit in sequence order (they share the directory row's lock), so "events
 * after N" never skips one that commits later. The database is polled every `pollMs` while
 * waiting, so writes made through another replica arrive too; local writes wake it at once.
 */
export class EventFeed {
  constructor(
    private readonly store: Store,
    private readonly notifier: EventNotifier,
    private readonly pollMs = 500,
  ) {}

  async read(directoryId: string, query: FeedQuery, signal?: AbortSignal): Promise<FeedPage> {
    const deadline = Date.now() + query.waitMs;
    for (;;) {
      // The latest sequence is read first: an event committed in between is then found by the read.
      const latest = await this.store.lastSequence(directoryId);
      const events = await this.store.readEvents(directoryId, query.after, query.limit);
      const expected = query.after + 1;
      if ((events.length && events[0].sequence !== expected) || (!events.length && latest > query.after)) throw eventsExpired(query.after, events[0]?.sequence);
      if (events.length) return { events, next: events[events.length - 1].sequence, latest: Math.max(latest, events[events.length - 1].sequence) };
      const left = deadline - Date.now();
      if (left <= 0 || this.notifier.isClosed || signal?.aborted) return { events, next: query.after, latest };
      await this.notifier.wait(directoryId, Math.min(left, this.pollMs), signal);
    }
  }
}

export function eventsExpired(after: number, oldest?: number): AdminError {
  return new AdminError(
    410,
    'events-expired',
    `Events after sequence ${after} are no longer kept (retention)${oldest ? `; the oldest kept is ${oldest}` : ''}. ` +
      'List the users and groups again and follow the feed from the sequence that listing reports',
  );
}

export const FEED_FORMATS = ['json', 'scim-set', 'scim-set-notice'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/** A feed page as the admin API answers it (and the CLI prints it). */
export interface FeedResponse {
  directoryId: string;
  format: FeedFormat;
  /** scimd's events, or RFC 9967 SET payloads (administration events have none and are left out). */
  events: (DirectoryEvent | JsonObject)[];
  next: number;
  latest: number;
}

/** Shapes a page in the asked format; `issuer` is the SCIM base URL, the SETs' `iss`. */
export function feedResponse(directoryId: string, page: FeedPage, format: FeedFormat, issuer: string): FeedResponse {
  if (format === 'json') return { directoryId, format, events: page.events, next: page.next, latest: page.latest };
  const mode = format === 'scim-set' ? 'full' : 'notice';
  const sets = page.events.flatMap((event): JsonObject[] => {
    const token = toSecurityEventToken(event, { issuer, baseUrl: issuer, mode });
    return token ? [token] : [];
  });
  return { directoryId, format, events: sets, next: page.next, latest: page.latest };
}

/**
 * A directory by id or name; a deleted directory's events stay readable by its id. `connections`
 * and `admin` name the streams of no directory (a directory of such a name is read by its id).
 */
export async function feedDirectory(store: Store, ref: string): Promise<string | undefined> {
  if (isSystemStream(ref)) return ref;
  const directory = await store.findDirectoryRecord(ref);
  if (directory) return directory.id;
  if ((await store.readEvents(ref, 0, 1)).length) return ref;
  return undefined;
}
