import type { OpenApiHelpers } from './connection-openapi.js';

/** The OpenAPI paths and schemas of the event feed and webhooks (docs/events.md), merged into the document. */
export function eventOpenApi(h: OpenApiHelpers): { paths: Record<string, object>; schemas: Record<string, object> } {
  const webhookParam = { name: 'webhook', in: 'path', required: true, description: 'The webhook id (`whk_…`).', schema: { type: 'string' } };
  const notFound = { '404': h.problem('No such webhook, directory or delivery (`not-found`).') };
  const expired = { '410': h.problem('The events asked for are past the retention period (`events-expired`): list again and follow from the new sequence.') };
  const formats = { enum: ['json', 'scim-set', 'scim-set-notice'] };
  const eventTypes = { type: 'array', items: { type: 'string' }, examples: [['user.*', 'group.member_added']], description: 'Event types or families (`user.*`); empty or absent: every type.' };
  const webhookFields = {
    url: { type: 'string', format: 'uri', description: 'The receiver: http:// or https://, without user name or password. Redirects are not followed.' },
    description: { type: 'string', maxLength: 500 },
    eventTypes,
    format: { ...formats, default: 'json', description: '`json`: scimd events; `scim-set`: RFC 9967 SET payloads with data; `scim-set-notice`: SETs naming changed attributes only.' },
    enabled: { type: 'boolean', default: true },
  };
  const withSecret = {
    allOf: [
      h.ref('Webhook'),
      {
        type: 'object',
        properties: {
          secret: { type: 'string', description: 'The signing secret (`whsec_…`), in this answer only.' },
          previousSecretExpiresAt: { type: ['string', 'null'], format: 'date-time', description: 'Until when the previous secret also signs.' },
        },
      },
    ],
  };
  return {
    paths: {
      '/directories/{directory}/events': {
        get: {
          summary: "A directory's events after a sequence, oldest first (long-poll with wait)",
          description:
            'Sequences are per directory, start at 1 and have no gaps; a page never skips an event that commits later. `X-Scimd-Event-Sequence` (here and on SCIM ' +
            'list responses) is the latest sequence the answer reflects: list users and groups, then read events after that sequence. See docs/events.md.',
          parameters: [
            { name: 'directory', in: 'path', required: true, description: 'The directory id or name (a deleted one by id).', schema: { type: 'string' } },
            { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'wait', in: 'query', description: 'Seconds to wait for a first event when there is none yet (0 to 60).', schema: { type: 'integer', minimum: 0, maximum: 60, default: 0 } },
            { name: 'format', in: 'query', description: 'SET formats leave out administration events (they have no SET form); `next` still moves past them.', schema: { ...formats, default: 'json' } },
          ],
          responses: { '200': h.ok('A page of events', h.ref('EventPage')), ...h.adminErrors, ...notFound, ...expired },
        },
      },
      '/webhooks': {
        get: {
          summary: 'Webhooks: all, or those a directory’s events go to (global ones included)',
          parameters: [{ name: 'directory', in: 'query', schema: { type: 'string' } }],
          responses: { '200': h.ok('The webhooks', { type: 'object', properties: { webhooks: { type: 'array', items: h.ref('Webhook') } } }), ...h.adminErrors },
        },
        post: {
          summary: 'Add a webhook; the signing secret is in this answer only',
          description: 'Delivery starts with the next event of each covered directory; replay sends earlier ones.',
          requestBody: {
            required: true,
            content: h.json({ type: 'object', required: ['url'], additionalProperties: false, properties: { ...webhookFields, directory: { type: 'string', description: 'Directory id or name; absent: a global webhook.' } } }),
          },
          responses: { '201': h.ok('The webhook with its secret', withSecret), ...h.adminErrors, ...notFound },
        },
      },
      '/webhooks/{webhook}': {
        get: { summary: 'A webhook with its delivery position per directory', parameters: [webhookParam], responses: { '200': h.ok('The webhook', h.ref('WebhookDetails')), ...h.adminErrors, ...notFound } },
        patch: {
          summary: 'Change a webhook',
          parameters: [webhookParam],
          requestBody: { required: true, content: h.json({ type: 'object', additionalProperties: false, properties: webhookFields }) },
          responses: { '200': h.ok('The webhook', h.ref('Webhook')), ...h.adminErrors, ...notFound },
        },
        delete: { summary: 'Delete a webhook with its positions and delivery log', parameters: [webhookParam], responses: { '200': h.ok('The deleted webhook', h.ref('Webhook')), ...h.adminErrors, ...notFound } },
      },
      '/webhooks/{webhook}/rotate-secret': {
        post: {
          summary: 'A new signing secret (in this answer only); the previous one keeps signing during the overlap',
          parameters: [webhookParam],
          requestBody: { required: false, content: h.json({ type: 'object', additionalProperties: false, properties: { overlap: { type: 'string', examples: ['24h', '7d', '0'], default: '24h' } } }) },
          responses: { '200': h.ok('The webhook with its new secret', withSecret), ...h.adminErrors, ...notFound },
        },
      },
      '/webhooks/{webhook}/test': {
        post: { summary: 'Send a signed `webhook.test` message now; logged as a test delivery', parameters: [webhookParam], responses: { '200': h.ok('The delivery', h.ref('Delivery')), ...h.adminErrors, ...notFound } },
      },
      '/webhooks/{webhook}/deliveries': {
        get: {
          summary: 'The delivery log, newest first',
          parameters: [
            webhookParam,
            { name: 'directory', in: 'query', schema: { type: 'string' } },
            { name: 'outcome', in: 'query', schema: { enum: ['delivered', 'failed', 'dead'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            { name: 'before', in: 'query', description: 'A delivery id: entries older than it.', schema: { type: 'string' } },
          ],
          responses: { '200': h.ok('Deliveries', { type: 'object', properties: { deliveries: { type: 'array', items: h.ref('Delivery') } } }), ...h.adminErrors, ...notFound },
        },
      },
      '/webhooks/{webhook}/deliveries/{delivery}/resend': {
        post: {
          summary: 'Send the event of one delivery again, now; the in-order stream does not move',
          parameters: [webhookParam, { name: 'delivery', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': h.ok('The new delivery', h.ref('Delivery')), ...h.adminErrors, ...notFound, ...expired },
        },
      },
      '/webhooks/{webhook}/replay': {
        post: {
          summary: 'Deliver a directory’s events again, in order, from a sequence; resumes a paused (dead-lettered) stream',
          parameters: [webhookParam],
          requestBody: {
            required: true,
            content: h.json({ type: 'object', required: ['from'], additionalProperties: false, properties: { from: { type: 'integer', minimum: 1 }, directory: { type: 'string', description: 'Needed for a global webhook.' } } }),
          },
          responses: { '200': h.ok('The webhook with its positions', h.ref('WebhookDetails')), ...h.adminErrors, ...notFound, ...expired },
        },
      },
    },
    schemas: {
      Event: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Globally unique (`evt_…`); the `webhook-id` of its deliveries.' },
          directoryId: { type: 'string' },
          sequence: { type: 'integer', description: 'Per directory, from 1, without gaps.' },
          type: { type: 'string', examples: ['user.created', 'group.member_added', 'secret.revoked'] },
          subject: { type: 'object', properties: { type: { enum: ['User', 'Group', 'Secret', 'Directory'] }, id: { type: 'string' }, version: { type: 'integer' } } },
          occurredAt: { type: 'string', format: 'date-time' },
          data: { type: 'object', description: 'Per type; see docs/events.md.' },
        },
      },
      EventPage: {
        type: 'object',
        properties: {
          directoryId: { type: 'string' },
          format: formats,
          events: { type: 'array', items: { oneOf: [h.ref('Event'), { type: 'object', description: 'An RFC 9967 SET payload (unsigned claims).' }] } },
          next: { type: 'integer', description: 'The `after` of the next call.' },
          latest: { type: 'integer', description: 'The directory’s latest sequence when the page was read.' },
        },
      },
      Webhook: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          directoryId: { type: ['string', 'null'], description: 'Null: a global webhook.' },
          ...webhookFields,
          created: { type: 'string', format: 'date-time' },
          updated: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      WebhookDetails: {
        allOf: [
          h.ref('Webhook'),
          {
            type: 'object',
            properties: {
              previousSecretExpiresAt: { type: ['string', 'null'], format: 'date-time' },
              streams: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    directoryId: { type: 'string' },
                    deliveredSequence: { type: 'integer' },
                    latestSequence: { type: 'integer' },
                    behind: { type: 'integer' },
                    state: { enum: ['idle', 'delivering', 'retrying', 'paused'] },
                    attempts: { type: 'integer' },
                    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
                    failingSince: { type: ['string', 'null'], format: 'date-time' },
                    pausedAt: { type: ['string', 'null'], format: 'date-time' },
                    pauseReason: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
        ],
      },
      Delivery: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          webhookId: { type: 'string' },
          directoryId: { type: 'string' },
          eventId: { type: 'string' },
          eventType: { type: 'string' },
          sequence: { type: 'integer' },
          attempt: { type: 'integer' },
          at: { type: 'string', format: 'date-time' },
          statusCode: { type: ['integer', 'null'] },
          durationMs: { type: 'integer' },
          error: { type: ['string', 'null'] },
          responseExcerpt: { type: ['string', 'null'], description: 'The first 512 bytes of the answer.' },
          outcome: { enum: ['delivered', 'failed', 'dead'] },
          kind: { enum: ['dispatch', 'resend', 'test'] },
        },
      },
    },
  };
}
