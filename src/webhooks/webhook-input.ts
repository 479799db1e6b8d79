import { invalidInput } from '../admin/admin-error.js';
import { durationHint, parseDuration } from '../auth/duration.js';
import type { WebhookFormat } from '../store/webhook-store.js';
import { refusalBeforeLookup } from '../outbound/checked-lookup.js';
import { isKnownEventPattern } from './event-type-filter.js';

export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'scim-set', 'scim-set-notice'];
const MAX_URL_LENGTH = 2000;
const MAX_DESCRIPTION_LENGTH = 500;
const MAX_PATTERNS = 50;

export interface WebhookInput {
  url: string;
  /** A directory id or name; absent for a global webhook. */
  directory?: string;
  description?: string;
  eventTypes?: string[];
  format?: WebhookFormat;
  enabled?: boolean;
}

export type WebhookChange = Partial<Omit<WebhookInput, 'directory'>>;

/**
 * A receiver URL: http or https only, no user name or password in it (it would be stored and
 * logged in clear), and a host the outbound address policy does not refuse by itself (a metadata
 * address or name, a denied range); names are checked again, resolved, at each delivery. Private
 * and loopback addresses are allowed by default, since receivers often run beside scimd.
 */
export function checkWebhookUrl(text: string): string {
  if (text.length > MAX_URL_LENGTH) throw invalidInput(`The URL must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(`${JSON.stringify(text)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidInput(`A webhook URL must be http:// or https://, not ${url.protocol}`);
  if (url.username || url.password) throw invalidInput('A webhook URL must not carry a user name or password; receivers check the signature instead');
  if (!url.hostname) throw invalidInput('A webhook URL needs a host');
  if (url.hash) throw invalidInput('A webhook URL must not have a #fragment');
  const refused = refusalBeforeLookup(url.hostname);
  if (refused) throw invalidInput(`The outbound address policy refuses this receiver: ${refused.reason} (--outbound-allow, --outbound-deny)`);
  return url.toString();
}

export function checkEventTypes(value: string[]): string[] {
  if (value.length > MAX_PATTERNS) throw invalidInput(`At most ${MAX_PATTERNS} event types`);
  const unknown = value.filter((p) => !isKnownEventPattern(p));
  if (unknown.length) throw invalidInput(`Unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => JSON.stringify(p)).join(', ')}; see docs/events.md (user.*, group.member_added, …)`);
  return [...new Set(value)];
}

export function checkFormat(value: string): WebhookFormat {
  if (!(WEBHOOK_FORMATS as readonly string[]).includes(value)) throw invalidInput(`format must be one of ${WEBHOOK_FORMATS.join(', ')}`);
  return value as WebhookFormat;
}

export function checkDescription(value: string): string {
  const text = value.trim();
  if (text.length > MAX_DESCRIPTION_LENGTH) throw invalidInput(`The description must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw invalidInput('The description must not contain control characters');
  return text;
}

/** A rotation's overlap: `24h`, `7d`, or `0` to stop signing with the old secret at once. */
export function parseOverlap(text: string): number {
  if (/^0(s|min|h|d)?$/i.test(text.trim())) return 0;
  const ms = parseDuration(text);
  if (typeof ms !== 'number') throw invalidInput(`overlap ${JSON.stringify(text)} is not a duration such as 24h, 7d or 0${durationHint(text)}`);
  return ms;
}
