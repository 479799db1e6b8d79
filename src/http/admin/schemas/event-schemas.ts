import { MAX_FEED_LIMIT, MAX_FEED_WAIT_MS } from '../../../events/event-feed.js';
import { DIRECTORY_PARAM, listOf, objectBody, ok, pathParams, problem, queryParams, ref, routeSchemas } from '../route-schema.js';
import { FORMATS, WEBHOOK_FIELDS } from './event-views-schema.js';

const webhook = pathParams({ webhook: { type: 'string', description: 'The webhook id (`whk_…`).' } });
const notFound = { '404': problem('No such webhook, directory or delivery (`not-found`).') };
const expired = { '410': problem('The events asked for are past the retention period (`events-expired`): list again and follow from the new sequence.') };

/** The event feed (event-routes.ts) and webhooks (webhook-routes.ts); see docs/events.md. */
export const EVENT_SCHEMAS = routeSchemas({
  feed: {
    summary: "A directory's events after a sequence, oldest first (long-poll with wait)",
    description:
      'Sequences are per directory, start at 1 and have no gaps; a page never skips an event that commits later. `X-Scimd-Event-Sequence` (here and on SCIM ' +
      'list responses) is the latest sequence the answer reflects: list users and groups, then read events after that sequence. See docs/events.md.',
    params: pathParams({ directory: { ...DIRECTORY_PARAM, description: 'The directory id or name (a deleted one by id).' } }),
    querystring: queryParams({
      after: { type: 'integer', minimum: 0, default: 0 },
      limit: { type: 'integer', minimum: 1, maximum: MAX_FEED_LIMIT, default: 100 },
      wait: { type: 'integer', minimum: 0, maximum: MAX_FEED_WAIT_MS / 1000, default: 0, description: `Seconds to wait for a first event when there is none yet (0 to ${MAX_FEED_WAIT_MS / 1000}).` },
      format: { ...FORMATS, default: 'json', description: 'SET formats leave out administration events (they have no SET form); `next` still moves past them.' },
    }),
    responses: { '200': ok('A page of events', ref('EventPage')), ...notFound, ...expired },
  },
});

export const WEBHOOK_SCHEMAS = routeSchemas({
  list: {
    summary: 'Webhooks: all, or those a directory’s events go to (global ones included)',
    querystring: queryParams({ directory: { type: 'string' } }),
    responses: { '200': ok('The webhooks', listOf('webhooks', 'Webhook')) },
  },
  create: {
    summary: 'Add a webhook; the signing secret is in this answer only',
    description: 'Delivery starts with the next event of each covered directory; replay sends earlier ones.',
    body: objectBody({ ...WEBHOOK_FIELDS, directory: { type: 'string', description: 'Directory id or name; absent: a global webhook.' } }, ['url']),
    responses: { '201': ok('The webhook with its secret', ref('WebhookWithSecret')), ...notFound },
  },
  get: { summary: 'A webhook with its delivery position per directory', params: webhook, responses: { '200': ok('The webhook', ref('WebhookDetails')), ...notFound } },
  update: { summary: 'Change a webhook', params: webhook, body: objectBody(WEBHOOK_FIELDS), responses: { '200': ok('The webhook', ref('Webhook')), ...notFound } },
  delete: { summary: 'Delete a webhook with its positions and delivery log', params: webhook, responses: { '200': ok('The deleted webhook', ref('Webhook')), ...notFound } },
  rotateSecret: {
    summary: 'A new signing secret (in this answer only); the previous one keeps signing during the overlap',
    params: webhook,
    body: objectBody({ overlap: { type: 'string', examples: ['24h', '7d', '0'], default: '24h' } }, [], { optional: true }),
    responses: { '200': ok('The webhook with its new secret', ref('WebhookWithSecret')), ...notFound },
  },
  test: { summary: 'Send a signed `webhook.test` message now; logged as a test delivery', params: webhook, responses: { '200': ok('The delivery', ref('Delivery')), ...notFound } },
  deliveries: {
    summary: 'The delivery log, newest first',
    params: webhook,
    querystring: queryParams({
      directory: { type: 'string' },
      outcome: { enum: ['delivered', 'failed', 'dead'] },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      before: { type: 'string', description: 'A delivery id: entries older than it.' },
    }),
    responses: { '200': ok('Deliveries', listOf('deliveries', 'Delivery')), ...notFound },
  },
  resend: {
    summary: 'Send the event of one delivery again, now; the in-order stream does not move',
    params: pathParams({ webhook: webhook.properties.webhook, delivery: { type: 'string' } }),
    responses: { '200': ok('The new delivery', ref('Delivery')), ...notFound, ...expired },
  },
  replay: {
    summary: 'Deliver a directory’s events again, in order, from a sequence; resumes a paused (dead-lettered) stream',
    params: webhook,
    body: objectBody({ from: { type: 'integer', minimum: 1 }, directory: { type: 'string', description: 'Needed for a global webhook.' } }, ['from']),
    responses: { '200': ok('The webhook with its positions', ref('WebhookDetails')), ...notFound, ...expired },
  },
});
