import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../admin/admin-error.js';
import type { WebhookService } from '../../webhooks/webhook-service.js';
import { parseOverlap, type WebhookChange, type WebhookInput } from '../../webhooks/webhook-input.js';
import type { WebhookFormat } from '../../store/webhook-store.js';
import { created, type AdminRouteContext } from './admin-context.js';
import { bodyFields, numberParam, optionalString, queryParam, requiredString } from './request-input.js';
import { noStore } from './secret-routes.js';

type WebhookParams = { Params: { webhook: string } };
const FIELDS = ['url', 'description', 'eventTypes', 'format', 'enabled'] as const;

/**
 * Webhook endpoints: create (the signing secret is in that response only), list, read with
 * delivery positions, change, delete, rotate the secret, send a test, the delivery log, resend
 * one delivery, replay from a sequence.
 */
export function registerWebhookRoutes(app: FastifyInstance, context: AdminRouteContext & { webhooks: WebhookService }): void {
  const { webhooks, actor, scimUrl } = context;

  app.get('/webhooks', async (request) => {
    const directory = queryParam(request.query, 'directory');
    return { webhooks: await webhooks.list(directory === undefined ? {} : { directory }) };
  });

  app.post('/webhooks', async (request, reply) => {
    const fields = bodyFields(request.body, [...FIELDS, 'directory']);
    const directory = optionalString(fields, 'directory');
    const input: WebhookInput = { url: requiredString(fields, 'url'), ...changeOf(fields), ...(directory !== undefined ? { directory } : {}) };
    const webhook = await webhooks.create(actor(request), input);
    return created(noStore(reply), `/api/v1/webhooks/${webhook.id}`, webhook);
  });

  app.get<WebhookParams>('/webhooks/:webhook', async (request) => webhooks.get(request.params.webhook));

  app.patch<WebhookParams>('/webhooks/:webhook', async (request) => webhooks.update(actor(request), request.params.webhook, changeOf(bodyFields(request.body, FIELDS))));

  app.delete<WebhookParams>('/webhooks/:webhook', async (request) => webhooks.remove(actor(request), request.params.webhook));

  app.post<WebhookParams>('/webhooks/:webhook/rotate-secret', async (request, reply) => {
    const overlap = optionalString(bodyFields(request.body, ['overlap']), 'overlap');
    const rotated = await webhooks.rotateSecret(actor(request), request.params.webhook, overlap === undefined ? {} : { overlapMs: parseOverlap(overlap) });
    noStore(reply);
    return rotated;
  });

  app.post<WebhookParams>('/webhooks/:webhook/test', async (request) => webhooks.test(actor(request), request.params.webhook));

  app.get<WebhookParams>('/webhooks/:webhook/deliveries', async (request) => {
    const limit = numberParam(request.query, 'limit');
    const directory = queryParam(request.query, 'directory');
    const outcome = queryParam(request.query, 'outcome');
    const before = queryParam(request.query, 'before');
    return webhooks.deliveries(request.params.webhook, {
      ...(limit !== undefined ? { limit } : {}),
      ...(directory !== undefined ? { directory } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
      ...(before !== undefined ? { before } : {}),
    });
  });

  app.post<{ Params: { webhook: string; delivery: string } }>('/webhooks/:webhook/deliveries/:delivery/resend', async (request) =>
    webhooks.resend(actor(request), request.params.webhook, request.params.delivery, scimUrl(request)),
  );

  app.post<WebhookParams>('/webhooks/:webhook/replay', async (request) => {
    const fields = bodyFields(request.body, ['directory', 'from']);
    const directory = optionalString(fields, 'directory');
    if (typeof fields.from !== 'number') throw invalidInput('from (a sequence number) is required');
    return webhooks.replay(actor(request), request.params.webhook, { from: fields.from, ...(directory !== undefined ? { directory } : {}) });
  });
}

/** The changeable fields of a body, each checked for its JSON type (values are checked by the service). */
function changeOf(fields: Record<string, unknown>): WebhookChange {
  const change: WebhookChange = {};
  const url = optionalString(fields, 'url');
  if (url !== undefined) change.url = url;
  const description = optionalString(fields, 'description');
  if (description !== undefined) change.description = description;
  const format = optionalString(fields, 'format');
  if (format !== undefined) change.format = format as WebhookFormat;
  if (fields.eventTypes !== undefined) {
    if (!Array.isArray(fields.eventTypes) || fields.eventTypes.some((t) => typeof t !== 'string')) throw invalidInput('eventTypes must be an array of strings');
    change.eventTypes = fields.eventTypes as string[];
  }
  if (fields.enabled !== undefined) {
    if (typeof fields.enabled !== 'boolean') throw invalidInput('enabled must be true or false');
    change.enabled = fields.enabled;
  }
  return change;
}
