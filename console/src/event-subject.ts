import type { DirectoryEvent } from './types';

/**
 * The name an event's subject goes by, from what the event carries (the server's
 * src/events/event-subject-name.ts reads the same fields): `display` (userName or displayName),
 * the attributes of older created and deleted events, a directory's, secret's or connection's name.
 */
export function eventSubjectName(event: DirectoryEvent): string | undefined {
  const { data } = event;
  const attributes = (data.attributes ?? {}) as Record<string, unknown>;
  for (const value of [data.display, attributes.userName, attributes.displayName, data.name, data.secretName, data.connectionName]) {
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}
