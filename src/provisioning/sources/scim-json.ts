import { isJsonObject } from '../../scim/json.js';
import type { ResourceModel } from '../../scim/schema/resource-models.js';
import { findAttribute, findExtension } from '../../scim/schema/resource-models.js';
import { ENTERPRISE_USER_SCHEMA } from '../../scim/schema/urns.js';

/** Keys a SCIM resource carries that are the server's, not attributes to provision. */
const SKIPPED = new Set(['id', 'meta', 'schemas', 'groups', 'members', 'password']);

/**
 * Flattens a SCIM resource (as a SCIM server returns it) into attribute paths: `name.givenName`,
 * `urn:…:enterprise:2.0:User:department`; multi-valued attributes stay whole (`emails`), and the
 * manager becomes the key it names (`{"value": "…"}` → "…").
 */
export function flattenScimResource(resource: Record<string, unknown>, model: ResourceModel): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (SKIPPED.has(key.toLowerCase()) || value === null || value === undefined) continue;
    const extension = /^urn:/i.test(key) ? findExtension(model, key) : undefined;
    if (/^urn:/i.test(key) && isJsonObject(value)) {
      const uri = extension?.id ?? key;
      for (const [name, inner] of Object.entries(value)) {
        if (inner === null || inner === undefined) continue;
        if (uri === ENTERPRISE_USER_SCHEMA && name.toLowerCase() === 'manager') flat[`${uri}:manager`] = isJsonObject(inner) ? inner.value : inner;
        else flat[`${uri}:${name}`] = inner;
      }
      continue;
    }
    const def = findAttribute(model.core.attributes, key);
    if (def?.type === 'complex' && !def.multiValued && isJsonObject(value)) {
      for (const [sub, inner] of Object.entries(value)) if (inner !== null && inner !== undefined) flat[`${def.name}.${sub}`] = inner;
      continue;
    }
    flat[def?.name ?? key] = value;
  }
  return flat;
}

/**
 * Whether a JSON object looks like a SCIM resource rather than directory attributes: it lists
 * `schemas`, or it is a user with a `userName` (a group's `displayName` is both SCIM and Entra).
 */
export function looksLikeScim(object: Record<string, unknown>, model: ResourceModel): boolean {
  return 'schemas' in object || (model.name === 'User' && 'userName' in object);
}
