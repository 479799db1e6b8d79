import type { FastifyInstance } from 'fastify';
import type { WebhookService } from '../../webhooks/webhook-service.js';
import { parseOverlap, type WebhookChange, type WebhookInput } from '../../webhooks/webhook-input.js';
import { created, type AdminRouteContext } from './admin-context.js';
import { WEBHOOK_SCHEMAS as S } from './schemas/event-schemas.js';
import { noStore } from './secret-routes.js';

type WebhookParams = { Params: { webhook: string } };

/**
 * Webhook endpoints: create (the signing secret is in that response only), list, read with
 * delivery positions, change, delete, rotate the secret, send a test, the delivery log, resend
 * one delivery, replay from a sequence. Bodies and queries are checked by their schemas; values
 * by the service.
 */
export function registerWebhookRoutes(app: FastifyInstance, context: AdminRouteContext & { webhooks: WebhookService }): void {
  const { webhooks, actor, scimUrl } = context;

  app.get<{ Querystring: { directory?: string } }>('/webhooks', { schema: S.list }, async (request) => {
    const { directory } = request.query;
    return { webhooks: await webhooks.list(directory === undefined ? {} : { directory }) };
  });

  app.post<{ Body: WebhookInput }>('/webhooks', { schema: S.create }, async (request, reply) => {
    const webhook = await webhooks.create(actor(request), request.body);
    return created(noStore(reply), `/api/v1/webhooks/${webhook.id}`, webhook);
  });

  app.get<WebhookParams>('/webhooks/:webhook', { schema: S.get }, async (request) => webhooks.get(request.params.webhook));

  app.patch<WebhookParams & { Body: WebhookChange }>('/webhooks/:webhook', { schema: S.update }, async (request) => webhooks.update(actor(request), request.params.webhook, request.body));

  app.delete<WebhookParams>('/webhooks/:webhook', { schema: S.delete }, async (request) => webhooks.remove(actor(request), request.params.webhook));

  app.post<WebhookParams & { Body: { overlap?: string } | null }>('/webhooks/:webhook/rotate-secret', { schema: S.rotateSecret }, async (request, reply) => {
    const overlap = request.body?.overlap;
    const rotated = await webhooks.rotateSecret(actor(request), request.params.webhook, overlap === undefined ? {} : { overlapMs: parseOverlap(overlap) });
    noStore(reply);
    return rotated;
  });

  app.post<WebhookParams>('/webhooks/:webhook/test', { schema: S.test }, async (request) => webhooks.test(actor(request), request.params.webhook));

  app.get<WebhookParams & { Querystring: { limit?: number; directory?: string; outcome?: string; before?: string } }>('/webhooks/:webhook/deliveries', { schema: S.deliveries }, async (request) => {
    const { limit, directory, outcome, before } = request.query;
    return webhooks.deliveries(request.params.webhook, {
      ...(limit !== undefined ? { limit } : {}),
      ...(directory !== undefined ? { directory } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
      ...(before !== undefined ? { before } : {}),
    });
  });

  app.post<{ Params: { webhook: string; delivery: string } }>('/webhooks/:webhook/deliveries/:delivery/resend', { schema: S.resend }, async (request) =>
    webhooks.resend(actor(request), request.params.webhook, request.params.delivery, scimUrl(request)),
  );

  app.post<WebhookParams & { Body: { from: number; directory?: string } }>('/webhooks/:webhook/replay', { schema: S.replay }, async (request) => {
    const { from, directory } = request.body;
    return webhooks.replay(actor(request), request.params.webhook, { from, ...(directory !== undefined ? { directory } : {}) });
  });
}
