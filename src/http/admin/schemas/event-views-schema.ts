import type { DeliveryView, DirectoryEvent, NotificationLogEntry, RecipientView, StreamView, WebhookDetails, WebhookView, WebhookWithSecret } from '../../../admin/api-views.js';
import { EVENT_TYPES } from '../../../events/event-types.js';
import { FEED_FORMATS } from '../../../events/event-feed.js';
import { dateTime, nullable, nullableDateTime, ref, type JsonSchema } from '../route-schema.js';
import { view } from './view-schema.js';

/** The event formats a webhook or a feed read can ask for. */
export const FORMATS: JsonSchema = { enum: [...FEED_FORMATS] };

/** The changeable fields of a webhook: its body schema and the view's, alike. */
export const WEBHOOK_FIELDS = {
  url: { type: 'string', format: 'uri', description: 'The receiver: http:// or https://, without user name or password. Redirects are not followed.' },
  description: { type: 'string', maxLength: 500 },
  eventTypes: { type: 'array', items: { type: 'string' }, examples: [['user.*', 'group.member_added']], description: 'Event types or families (`user.*`); empty or absent: every type.' },
  format: { ...FORMATS, default: 'json', description: '`json`: scimd events; `scim-set`: RFC 9967 SET payloads with data; `scim-set-notice`: SETs naming changed attributes only.' },
  enabled: { type: 'boolean', default: true },
} satisfies Record<string, JsonSchema>;

const webhookProperties = {
  id: { type: 'string' },
  directoryId: nullable('string', { description: 'Null: a global webhook.' }),
  directoryName: nullable('string', { description: "The directory's name; null for a global webhook." }),
  ...WEBHOOK_FIELDS,
  created: dateTime,
  updated: nullableDateTime,
};

const streamProperties = view<StreamView>()({
  directoryId: { type: 'string' },
  directoryName: nullable('string', { description: 'Null once the directory is deleted.' }),
  deliveredSequence: { type: 'integer' },
  latestSequence: { type: 'integer' },
  behind: { type: 'integer' },
  state: { enum: ['idle', 'delivering', 'retrying', 'paused'] },
  attempts: { type: 'integer' },
  nextAttemptAt: nullableDateTime,
  failingSince: nullableDateTime,
  pausedAt: nullableDateTime,
  pauseReason: nullable('string'),
});

const deliveryProperties = {
  id: { type: 'string' },
  webhookId: { type: 'string' },
  directoryId: { type: 'string' },
  eventId: { type: 'string' },
  eventType: { type: 'string' },
  sequence: { type: 'integer' },
  attempt: { type: 'integer' },
  at: dateTime,
  statusCode: nullable('integer'),
  durationMs: { type: 'integer' },
  error: nullable('string'),
  responseExcerpt: nullable('string', { description: 'The first 512 bytes of the answer.' }),
  outcome: { enum: ['delivered', 'failed', 'dead'] },
  kind: { enum: ['dispatch', 'resend', 'test'] },
};

/** The schemas of events, webhooks, deliveries and notification recipients (src/admin/api-views.ts). */
export const EVENT_VIEW_SCHEMAS: Record<string, JsonSchema> = {
  Event: view<DirectoryEvent>()({
    id: { type: 'string', description: 'Globally unique (`evt_…`); the `webhook-id` of its deliveries.' },
    directoryId: { type: 'string' },
    sequence: { type: 'integer', description: 'Per directory, from 1, without gaps.' },
    type: { enum: [...EVENT_TYPES] },
    subject: {
      type: 'object',
      required: ['type', 'id'],
      properties: { type: { enum: ['User', 'Group', 'Secret', 'Directory', 'Connection'] }, id: { type: 'string' }, version: { type: 'integer' } },
    },
    occurredAt: dateTime,
    data: { type: 'object', description: 'Per type; see docs/events.md.' },
  }),
  EventPage: {
    type: 'object',
    required: ['directoryId', 'format', 'events', 'next', 'latest'],
    properties: {
      directoryId: { type: 'string' },
      format: FORMATS,
      events: { type: 'array', items: { anyOf: [ref('Event'), { type: 'object', description: 'An RFC 9967 SET payload (unsigned claims).' }] } },
      next: { type: 'integer', description: 'The `after` of the next call.' },
      latest: { type: 'integer', description: 'The directory’s latest sequence when the page was read.' },
    },
  },
  Webhook: view<WebhookView>()(webhookProperties),
  WebhookDetails: view<WebhookDetails>()({
    ...webhookProperties,
    previousSecretExpiresAt: nullableDateTime,
    streams: { type: 'array', items: streamProperties },
  }),
  WebhookWithSecret: view<WebhookWithSecret>()({
    ...webhookProperties,
    secret: { type: 'string', description: 'The signing secret (`whsec_…`), in this answer only.' },
    previousSecretExpiresAt: nullable('string', { format: 'date-time', description: 'Until when the previous secret also signs.' }),
  }),
  Delivery: view<DeliveryView>()(deliveryProperties, [], {
    description: 'One attempt. For a notification recipient `statusCode` is null for e-mail and `responseExcerpt` holds the SMTP answer.',
  }),
  NotificationLogEntry: view<NotificationLogEntry>()({ ...deliveryProperties, recipient: { type: 'string', description: "The recipient's e-mail address or masked chat URL." } }),
  NotificationRecipient: view<RecipientView>()({
    id: { type: 'string' },
    channel: { enum: ['email', 'slack', 'teams'] },
    recipient: { type: 'string', description: 'The e-mail address, or the chat host with the last characters of its URL (never the whole URL).' },
    directoryId: nullable('string', { description: 'Null: every directory and the admin secrets.' }),
    created: dateTime,
    state: { enum: ['ok', 'failing', 'paused'], description: 'failing: being retried; paused: retries ran out (see the log).' },
    failingSince: nullableDateTime,
    lastError: nullable('string'),
    lastDelivery: { oneOf: [ref('Delivery'), { type: 'null' }], description: 'Its own newest delivery attempt, whatever others sent since (in the list only); null before the first.' },
  }, ['lastDelivery']),
};
