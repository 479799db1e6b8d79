import type { DirectoryEvent } from '../events/event-types.js';
import { toSecurityEventToken } from '../events/security-event-token.js';
import { signWebhook } from '../events/webhook-signature.js';
import type { WebhookFormat } from '../store/webhook-store.js';

/**
 * The body a webhook receives for an event: the event as the feed serves it (`json`), or its
 * RFC 9967 SET claims (`scim-set` with data, `scim-set-notice` with attribute names only).
 * Undefined when the format has no form for the event (administration events have no SET).
 */
export function webhookBody(event: DirectoryEvent, format: WebhookFormat, issuer: string): string | undefined {
  if (format === 'json') return JSON.stringify(event);
  const token = toSecurityEventToken(event, { issuer, baseUrl: issuer, mode: format === 'scim-set' ? 'full' : 'notice' });
  return token && JSON.stringify(token);
}

/**
 * The Standard Webhooks headers of one delivery. `webhook-id` is the event's id, the same on
 * every retry and resend, so a receiver drops duplicates by it.
 */
export function webhookHeaders(messageId: string, body: string, secrets: string[], now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'scimd-webhooks',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secrets, messageId, timestamp, body),
  };
}
