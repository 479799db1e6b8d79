import type { FastifyInstance, FastifyRequest } from 'fastify';
import { directoryNotFound } from '../../admin/admin-refusals.js';
import { EVENT_SEQUENCE_HEADER, feedDirectory, feedResponse, type EventFeed, type FeedFormat } from '../../events/event-feed.js';
import type { Store } from '../../store/store.js';
import { EVENT_SCHEMAS as S } from './schemas/event-schemas.js';

type FeedQuery = { Params: { directory: string }; Querystring: { after?: number; limit?: number; wait?: number; format?: FeedFormat } };

/**
 * `GET /directories/{directory}/events`: one directory's events after a sequence, oldest first,
 * as scimd's JSON or as RFC 9967 SETs; `wait` long-polls for the first new event. Admin only:
 * a directory's events describe its secrets too. The schema bounds the query parameters.
 */
export function registerEventRoutes(app: FastifyInstance, options: { store: Store; feed: EventFeed; scimUrl: (request: FastifyRequest) => string }): void {
  const { store, feed } = options;

  app.get<FeedQuery>('/directories/:directory/events', { schema: S.feed }, async (request, reply) => {
    const { after = 0, limit = 100, wait = 0, format = 'json' } = request.query;
    const directoryId = await feedDirectory(store, request.params.directory);
    if (!directoryId) throw directoryNotFound(request.params.directory);

    // A client that goes away ends its long-poll.
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    const page = await feed.read(directoryId, { after, limit, waitMs: wait * 1000 }, gone.signal);
    reply.header(EVENT_SEQUENCE_HEADER, String(page.latest));
    return feedResponse(directoryId, page, format, options.scimUrl(request));
  });
}
