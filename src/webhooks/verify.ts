/**
 * What a host application imports to check scimd's webhook deliveries (`import { verifyWebhook }
 * from 'scimd/webhooks'`): the Standard Webhooks signature over `id.timestamp.body`, with the
 * endpoint's `whsec_…` secret, and a timestamp tolerance against replays.
 */
import { verifyWebhook, type WebhookHeaders } from '../events/webhook-signature.js';

export { verifyWebhook, type WebhookHeaders };

/** Headers as Node's `IncomingMessage.headers` or a Fetch `Headers` object holds them. */
export type IncomingHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a received request: `body` must be the raw body text exactly as received (parse the
 * JSON only after this returns true). During a secret rotation, pass either secret.
 */
export function verifyWebhookRequest(secret: string, headers: IncomingHeaders, body: string, now: Date = new Date(), toleranceSeconds = 300): boolean {
  const read = (name: keyof WebhookHeaders): string | undefined => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name];
    return Array.isArray(value) ? value[0] : (value ?? undefined);
  };
  const picked: WebhookHeaders = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
    const value = read(name);
    if (value !== undefined) picked[name] = value;
  }
  return verifyWebhook(secret, picked, body, now, toleranceSeconds);
}
