import { jsonEqual, type JsonObject, type JsonValue } from '../scim/json.js';
import type { StoredResource } from '../scim/resource/representation.js';
import type { EventDraft, EventType } from './event-types.js';

/**
 * The event a write to a user or group produces, from its state before and after. One write
 * gives one resource event: a user whose `active` flips is `user.deactivated` or
 * `user.reactivated` (with any other changes in the same data); membership changes are
 * separate events made by the store, which knows exactly which members moved.
 */
export function resourceEvent(before: StoredResource | undefined, after: StoredResource | undefined): EventDraft | undefined {
  const resource = after ?? before;
  if (!resource) return undefined;
  const prefix = resource.type === 'User' ? 'user' : 'group';
  const subject = { type: resource.type, id: resource.id, ...(after ? { version: after.version } : {}) };
  const display = displayOf(resource);
  if (!before && after) return { type: `${prefix}.created` as EventType, subject, data: { attributes: after.data, display } };
  // A one-statement deletion on PostgreSQL makes this event in SQL (deletionEvents in sql-store.ts).
  if (before && !after) return { type: `${prefix}.deleted` as EventType, subject: { type: before.type, id: before.id, version: before.version }, data: { attributes: before.data, display } };
  const changes = changedAttributes(before!.data, after!.data);
  if (changes.names.length === 0) return undefined;
  let type: EventType = `${prefix}.updated` as EventType;
  if (resource.type === 'User' && before!.data.active !== after!.data.active) {
    if (after!.data.active === false) type = 'user.deactivated';
    else if (before!.data.active === false) type = 'user.reactivated';
  }
  return { type, subject, data: { changed: changes.names, before: changes.before, after: changes.after, display } };
}

/**
 * What people call a user or group (its userName or displayName), carried by its events as
 * `display` so feeds, logs and messages can name the subject without looking it up.
 */
export function displayOf(resource: StoredResource): string {
  return String((resource.type === 'User' ? resource.data.userName : resource.data.displayName) ?? resource.id);
}

/**
 * Names and values of the attributes that differ, at the level clients think in: core
 * attributes by name, extension attributes as `urn:…:attr`.
 */
export function changedAttributes(before: JsonObject, after: JsonObject): { names: string[]; before: JsonObject; after: JsonObject } {
  const flatBefore = flatten(before);
  const flatAfter = flatten(after);
  const names = [...new Set([...Object.keys(flatBefore), ...Object.keys(flatAfter)])].filter((name) => !jsonEqual(flatBefore[name], flatAfter[name])).sort();
  const pick = (flat: Record<string, JsonValue>) => Object.fromEntries(names.filter((n) => n in flat).map((n) => [n, flat[n]])) as JsonObject;
  return { names, before: pick(flatBefore), after: pick(flatAfter) };
}

function flatten(data: JsonObject): Record<string, JsonValue> {
  const flat: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(data)) {
    if (/^urn:/i.test(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [name, inner] of Object.entries(value)) flat[`${key}:${name}`] = inner;
    } else {
      flat[key] = value;
    }
  }
  return flat;
}
