import { isIP } from 'node:net';
import { invalidInput } from '../admin/admin-error.js';
import type { NotificationChannel } from '../store/webhook-store.js';

/** A recipient as given on the command line or to the API, parsed. */
export interface RecipientAddress {
  channel: NotificationChannel;
  /** The e-mail address, or the chat's incoming-webhook URL. */
  address: string;
  /** What lists show: never the whole chat URL, which works as a credential. */
  label: string;
}

const MAX_LENGTH = 2000;
// Deliberately plain: one @, no spaces or angle brackets; the mail server has the final word.
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/**
 * `ops@example.com`, `slack+https://hooks.slack.com/…` or `teams+https://…`. Chat URLs must be
 * https (http only on a loopback address, for local receivers and tests).
 */
export function parseRecipient(text: string): RecipientAddress {
  const value = text.trim();
  if (!value) throw invalidInput('Give an e-mail address, slack+https://… or teams+https://…');
  if (value.length > MAX_LENGTH) throw invalidInput(`A recipient must be at most ${MAX_LENGTH} characters`);
  const chat = /^(slack|teams)\+(.*)$/i.exec(value);
  if (chat) {
    const channel = chat[1]!.toLowerCase() as 'slack' | 'teams';
    const url = checkChatUrl(chat[2]!, channel);
    return { channel, address: url.toString(), label: `${channel}+${url.protocol}//${url.host}/…${url.toString().slice(-4)}` };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw invalidInput(`Chat webhooks are written slack+https://… or teams+https://…, not ${JSON.stringify(value.slice(0, 40))}`);
  const address = value.replace(/^mailto:/i, '');
  if (!EMAIL.test(address)) throw invalidInput(`${JSON.stringify(value)} is not an e-mail address, slack+https://… or teams+https://…`);
  return { channel: 'email', address, label: address };
}

function checkChatUrl(text: string, channel: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(`${JSON.stringify(text.slice(0, 60))} is not a URL; give the ${channel} incoming-webhook URL`);
  }
  const loopback = isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw invalidInput(`A ${channel} webhook URL must be https:// (http:// only on a loopback address)`);
  if (url.username || url.password) throw invalidInput(`A ${channel} webhook URL must not carry a user name or password`);
  if (url.hash) throw invalidInput(`A ${channel} webhook URL must not have a #fragment`);
  return url;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
