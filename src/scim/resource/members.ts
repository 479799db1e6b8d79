import { invalidValue } from '../errors.js';
import { isJsonObject } from '../json.js';

/** A member named by a client: the member's id and, optionally, the type the client claims. */
export interface MemberRef {
  value: string;
  type?: 'User' | 'Group';
}

/** A member as returned in a group. */
export interface Member {
  value: string;
  type: 'User' | 'Group';
  display?: string;
}

/**
 * Reads the `members` values of a POST, PUT or PATCH. Accepts objects with `value` (the RFC form,
 * Entra's `{"$ref": null, "value": …}`) and bare id strings; anything else is 400 invalidValue.
 */
export function parseMemberRefs(value: unknown): MemberRef[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const refs: MemberRef[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (item === null) continue;
    const ref = parseMemberRef(item);
    if (seen.has(ref.value)) continue;
    seen.add(ref.value);
    refs.push(ref);
  }
  return refs;
}

function parseMemberRef(item: unknown): MemberRef {
  if (typeof item === 'string' && item !== '') return { value: item };
  if (isJsonObject(item)) {
    const value = item.value;
    if (typeof value !== 'string' || value === '') throw invalidValue('Each member needs a "value" with the member\'s id');
    const type = typeof item.type === 'string' ? item.type.toLowerCase() : undefined;
    if (type !== undefined && type !== 'user' && type !== 'group') {
      throw invalidValue(`Member type ${JSON.stringify(item.type)} is neither "User" nor "Group"`);
    }
    return type === undefined ? { value } : { value, type: type === 'user' ? 'User' : 'Group' };
  }
  throw invalidValue('Each member must be an object with a "value" or an id string');
}
