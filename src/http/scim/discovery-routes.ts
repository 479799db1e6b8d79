import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourceTypeDocuments, schemaDocuments } from '../../scim/discovery/schemas.js';
import { serviceProviderConfig, type ProtocolSettings } from '../../scim/discovery/service-provider-config.js';
import { notFound } from '../../scim/errors.js';
import { listResponse } from '../../scim/list/list-response.js';
import { sendScim } from './scim-reply.js';

/**
 * RFC 7644 §4 discovery: what scimd supports, served without authentication because it is the
 * same for every directory and clients read it before they have a working secret.
 */
export function registerDiscoveryRoutes(app: FastifyInstance, settings: ProtocolSettings, baseUrl: (request: FastifyRequest) => string): void {
  app.get('/ServiceProviderConfig', async (request, reply) => sendScim(reply, 200, serviceProviderConfig(settings, baseUrl(request))));

  app.get('/Schemas', async (request, reply) => {
    const docs = schemaDocuments(baseUrl(request));
    return sendScim(reply, 200, listResponse(docs, docs.length, { startIndex: 1 }));
  });
  app.get<{ Params: { id: string } }>('/Schemas/:id', async (request, reply) => {
    const doc = schemaDocuments(baseUrl(request)).find((d) => String(d.id).toLowerCase() === request.params.id.toLowerCase());
    if (!doc) throw notFound(`No schema ${JSON.stringify(request.params.id)}`);
    return sendScim(reply, 200, doc);
  });

  app.get('/ResourceTypes', async (request, reply) => {
    const docs = resourceTypeDocuments(baseUrl(request));
    return sendScim(reply, 200, listResponse(docs, docs.length, { startIndex: 1 }));
  });
  app.get<{ Params: { id: string } }>('/ResourceTypes/:id', async (request, reply) => {
    const doc = resourceTypeDocuments(baseUrl(request)).find((d) => String(d.id).toLowerCase() === request.params.id.toLowerCase());
    if (!doc) throw notFound(`No resource type ${JSON.stringify(request.params.id)}`);
    return sendScim(reply, 200, doc);
  });
}
