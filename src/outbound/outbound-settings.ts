import { AddressPolicy } from './address-policy.js';

/** What every request the server makes on its own (targets, sources, webhooks) is held to. */
export interface OutboundSettings {
  /** Largest answer read from a target, source or token endpoint, in bytes. */
  maxResponseBytes: number;
  policy: AddressPolicy;
  /** The folder `file:` sources must live in; undefined when nothing configured one (library use). */
  sourceDir: string | undefined;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

const DEFAULT_SETTINGS: OutboundSettings = { maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES, policy: new AddressPolicy(), sourceDir: undefined };

let current: OutboundSettings = DEFAULT_SETTINGS;

/**
 * One setting per process, read at each request, so the CLI sets it once from flags and the
 * engine, the scheduler and the webhook dispatcher need not pass it around.
 */
export function outboundSettings(): OutboundSettings {
  return current;
}

/** Replaces some settings; returns the previous ones (tests put them back). */
export function configureOutbound(settings: Partial<OutboundSettings>): OutboundSettings {
  const previous = current;
  current = { ...current, ...settings };
  return previous;
}

/** Back to the defaults of a process that configured nothing. */
export function resetOutbound(): void {
  current = DEFAULT_SETTINGS;
}
