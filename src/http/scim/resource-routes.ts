import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestContext, ResourceService } from '../../directory/resource-service.js';
import { invalidSyntax } from '../../scim/errors.js';
import { isJsonObject } from '../../scim/json.js';
import { parseEntityTags } from '../../scim/resource/etag.js';
import { resourceModels } from '../../scim/schema/resource-models.js';
import { sendScim } from './scim-reply.js';
import { EVENT_SEQUENCE_HEADER } from '../../events/event-feed.js';

type IdParams = { Params: { id: string }; Querystring: Record<string, unknown> };
type ListParams = { Querystring: Record<string, unknown> };

/** CRUD, list and search routes for Users and Groups, and the root search. Each handler is one service call. */
export function registerResourceRoutes(app: FastifyInstance, service: ResourceService, context: (request: FastifyRequest) => RequestContext): void {
  // RFC 7644 §3.4.3: a search from the server root covers every resource type.
  app.post('/.search', async (request, reply) => {
    const ctx = context(request);
    if (!isJsonObject(request.body)) throw invalidSyntax('The search request must be a JSON object');
    return sendScim(reply, 200, await service.searchAllTypes(ctx, request.body));
  });

  for (const model of resourceModels) {
    const type = model.name;
    const base = model.endpoint;

    app.get<ListParams>(base, async (request, reply) => {
      const page = await service.listWithSequence(context(request), type, request.query);
      return sendScim(reply, 200, page.body, { [EVENT_SEQUENCE_HEADER]: String(page.sequence) });
    });

    app.post<ListParams>(`${base}/.search`, async (request, reply) => {
      if (!isJsonObject(request.body)) throw invalidSyntax('The search request must be a JSON object');
      const page = await service.listWithSequence(context(request), type, request.body);
      return sendScim(reply, 200, page.body, { [EVENT_SEQUENCE_HEADER]: String(page.sequence) });
    });

    app.post<ListParams>(base, async (request, reply) => {
      const result = await service.create(context(request), type, request.body, request.query);
      return sendScim(reply, 201, result.body, { location: result.location, etag: result.etag });
    });

    app.get<IdParams>(`${base}/:id`, async (request, reply) => {
      const ctx = context(request);
      const ifNoneMatch = parseEntityTags(request.headers['if-none-match']);
      if (ifNoneMatch) {
        const etag = await service.notModified(ctx, type, request.params.id, ifNoneMatch);
        if (etag) return reply.code(304).header('etag', etag).send();
      }
      const result = await service.get(ctx, type, request.params.id, request.query);
      return sendScim(reply, 200, result.body, { location: result.location, etag: result.etag });
    });

    app.put<IdParams>(`${base}/:id`, async (request, reply) => {
      const ifMatch = parseEntityTags(request.headers['if-match']);
      const result = await service.replace(context(request), type, request.params.id, request.body, ifMatch, request.query);
      return sendScim(reply, 200, result.body, { location: result.location, etag: result.etag });
    });

    app.patch<IdParams>(`${base}/:id`, async (request, reply) => {
      const ifMatch = parseEntityTags(request.headers['if-match']);
      const result = await service.patch(context(request), type, request.params.id, request.body, ifMatch, request.query);
      return sendScim(reply, result.body ? 200 : 204, result.body, { location: result.location, etag: result.etag });
    });

    app.delete<IdParams>(`${base}/:id`, async (request, reply) => {
      const ifMatch = parseEntityTags(request.headers['if-match']);
      await service.delete(context(request), type, request.params.id, ifMatch);
      return reply.code(204).send();
    });
  }
}
