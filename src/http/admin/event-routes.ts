import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidInput } from '../../admin/admin-error.js';
import { directoryNotFound } from '../../admin/admin-refusals.js';
import { EVENT_SEQUENCE_HEADER, FEED_FORMATS, feedDirectory, feedResponse, MAX_FEED_LIMIT, MAX_FEED_WAIT_MS, type EventFeed, type FeedFormat } from '../../events/event-feed.js';
import type { Store } from '../../store/store.js';
import { queryParam } from './request-input.js';

/**
 * `GET /directories/{directory}/events`: one directory's events after a sequence, oldest first,
 * as scimd's JSON or as RFC 9967 SETs; `wait` long-polls for the first new event. Admin only:
 * a directory's events describe its secrets too.
 */
export function registerEventRoutes(app: FastifyInstance, options: { store: Store; feed: EventFeed; scimUrl: (request: FastifyRequest) => string }): void {
  const { store, feed } = options;

  app.get<{ Params: { directory: string } }>('/directories/:directory/events', async (request, reply) => {
    const after = integerParam(request.query, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = integerParam(request.query, 'limit', 100, 1, MAX_FEED_LIMIT);
    const waitSeconds = integerParam(request.query, 'wait', 0, 0, MAX_FEED_WAIT_MS / 1000);
    const format = (queryParam(request.query, 'format') ?? 'json') as FeedFormat;
    if (!FEED_FORMATS.includes(format)) throw invalidInput(`format must be one of ${FEED_FORMATS.join(', ')}`);
    const directoryId = await feedDirectory(store, request.params.directory);
    if (!directoryId) throw directoryNotFound(request.params.directory);

    // A client that goes away ends its long-poll.
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    const page = await feed.read(directoryId, { after, limit, waitMs: waitSeconds * 1000 }, gone.signal);
    reply.header(EVENT_SEQUENCE_HEADER, String(page.latest));
    return feedResponse(directoryId, page, format, options.scimUrl(request));
  });
}

function integerParam(query: unknown, key: string, fallback: number, min: number, max: number): number {
  const text = queryParam(query, key);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw invalidInput(`${key} must be an integer from ${min} to ${max}`);
  return value;
}
