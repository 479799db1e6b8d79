import { listOf, objectBody, ok, pathParams, problem, queryParams, ref, routeSchemas } from '../route-schema.js';

const recipient = pathParams({ recipient: { type: 'string', description: 'The recipient id (`ntf_…`).' } });
const notFound = { '404': problem('No such recipient or directory (`not-found`).') };

/** Notification recipients (notification-routes.ts); see docs/notifications.md. */
export const NOTIFICATION_SCHEMAS = routeSchemas({
  list: { summary: 'Notification recipients, with whether their channel is failing', responses: { '200': ok('The recipients', listOf('recipients', 'NotificationRecipient')) } },
  create: {
    summary: 'Add a recipient: an e-mail address, slack+https://… or teams+https://…',
    body: objectBody(
      {
        recipient: { type: 'string', examples: ['ops@example.com', 'slack+https://hooks.slack.com/services/…', 'teams+https://…'] },
        directory: { type: 'string', description: 'Directory id or name; absent: every directory (those created later too) and the admin secrets.' },
      },
      ['recipient'],
    ),
    responses: { '201': ok('The recipient', ref('NotificationRecipient')), ...notFound },
  },
  delete: { summary: 'Remove a recipient with its delivery log', params: recipient, responses: { '200': ok('The removed recipient', ref('NotificationRecipient')), ...notFound } },
  test: { summary: 'Send a sample message now (logged as a test delivery)', params: recipient, responses: { '200': ok('The delivery', ref('Delivery')), ...notFound } },
  log: {
    summary: 'The delivery log of every recipient (or one), newest first',
    querystring: queryParams({ recipient: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }),
    responses: { '200': ok('The deliveries', listOf('deliveries', 'NotificationLogEntry')), ...notFound },
  },
});
