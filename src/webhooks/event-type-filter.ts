import { EVENT_TYPES } from '../events/event-types.js';

/**
 * A webhook's event-type filter: exact types (`user.deactivated`), a family (`user.*`) or `*`.
 * An empty filter receives every type.
 */
export function matchesEventType(patterns: string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** Whether a pattern can match some event type, so a typo is refused instead of silently matching nothing. */
export function isKnownEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return EVENT_TYPES.some((t) => t.startsWith(pattern.slice(0, -1)));
  return (EVENT_TYPES as readonly string[]).includes(pattern);
}
