import type { OpenApiHelpers } from './connection-openapi.js';

/** The OpenAPI paths and schemas of /notifications (docs/notifications.md), merged into the document. */
export function notificationOpenApi(h: OpenApiHelpers): { paths: Record<string, object>; schemas: Record<string, object> } {
  const recipientParam = { name: 'recipient', in: 'path', required: true, description: 'The recipient id (`ntf_…`).', schema: { type: 'string' } };
  const notFound = { '404': h.problem('No such recipient or directory (`not-found`).') };
  const delivery = { type: 'object', description: 'One attempt, as the webhook delivery log keeps it (`statusCode` is null for e-mail; `responseExcerpt` holds the SMTP answer).' };
  return {
    paths: {
      '/notifications': {
        get: {
          summary: 'Notification recipients, with whether their channel is failing',
          responses: { '200': h.ok('The recipients', { type: 'object', properties: { recipients: { type: 'array', items: h.ref('NotificationRecipient') } } }), ...h.adminErrors },
        },
        post: {
          summary: 'Add a recipient: an e-mail address, slack+https://… or teams+https://…',
          requestBody: {
            required: true,
            content: h.json({
              type: 'object',
              required: ['recipient'],
              additionalProperties: false,
              properties: {
                recipient: { type: 'string', examples: ['ops@example.com', 'slack+https://hooks.slack.com/services/…', 'teams+https://…'] },
                directory: { type: 'string', description: 'Directory id or name; absent: every directory (those created later too) and the admin secrets.' },
              },
            }),
          },
          responses: { '201': h.ok('The recipient', h.ref('NotificationRecipient')), ...h.adminErrors, ...notFound },
        },
      },
      '/notifications/{recipient}': {
        delete: { summary: 'Remove a recipient with its delivery log', parameters: [recipientParam], responses: { '200': h.ok('The removed recipient', h.ref('NotificationRecipient')), ...h.adminErrors, ...notFound } },
      },
      '/notifications/{recipient}/test': {
        post: { summary: 'Send a sample message now (logged as a test delivery)', parameters: [recipientParam], responses: { '200': h.ok('The delivery', delivery), ...h.adminErrors, ...notFound } },
      },
      '/notifications/log': {
        get: {
          summary: 'The delivery log of every recipient (or one), newest first',
          parameters: [
            { name: 'recipient', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          ],
          responses: { '200': h.ok('The deliveries', { type: 'object', properties: { deliveries: { type: 'array', items: delivery } } }), ...h.adminErrors, ...notFound },
        },
      },
    },
    schemas: {
      NotificationRecipient: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          channel: { enum: ['email', 'slack', 'teams'] },
          recipient: { type: 'string', description: 'The e-mail address, or the chat host with the last characters of its URL (never the whole URL).' },
          directoryId: { type: ['string', 'null'], description: 'Null: every directory and the admin secrets.' },
          created: { type: 'string', format: 'date-time' },
          state: { enum: ['ok', 'failing', 'paused'], description: 'failing: being retried; paused: retries ran out (see the log).' },
          failingSince: { type: ['string', 'null'], format: 'date-time' },
          lastError: { type: ['string', 'null'] },
          lastDelivery: { description: 'The newest attempt to reach this recipient (GET /notifications only); null before the first.', oneOf: [delivery, { type: 'null' }] },
        },
      },
    },
  };
}
