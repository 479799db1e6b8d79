import type { DirectoryEvent } from './event-types.js';

/**
 * The name people know an event's subject by, from what the event carries: a user's userName or
 * a group's displayName (`display`, or the attributes of events written before it was added), a
 * directory's, secret's or connection's name. Undefined when the event names none.
 */
export function eventSubjectName(event: Pick<DirectoryEvent, 'data'>): string | undefined {
  const { data } = event;
  const attributes = data.attributes !== null && typeof data.attributes === 'object' && !Array.isArray(data.attributes) ? data.attributes : {};
  for (const value of [data.display, attributes.userName, attributes.displayName, data.name, data.secretName, data.connectionName]) {
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}
