import { isJsonObject, type JsonObject } from '../json.js';
import { findExtension, type ResourceModel, type ResourceTypeName } from '../schema/resource-models.js';
import type { Member } from './members.js';

/** A resource as the store keeps it: the client's attributes plus what the server maintains. */
export interface StoredResource {
  id: string;
  type: ResourceTypeName;
  data: JsonObject;
  version: number;
  created: string;
  lastModified: string;
  /** Group members, or the groups a user belongs to; undefined when they were not read. */
  membership?: Member[];
}

/** The weak entity tag of a version, as sent in `meta.version` and the ETag header. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * Builds the full SCIM representation of a stored resource (RFC 7643 §3): `schemas` lists the
 * core schema and every extension the document holds (in string order), `meta` carries the version and location.
 */
export function toRepresentation(model: ResourceModel, resource: StoredResource, baseUrl: string): JsonObject {
  const extensions: string[] = [];
  for (const key of Object.keys(resource.data)) {
    if (/^urn:/i.test(key) && isJsonObject(resource.data[key])) extensions.push(findExtension(model, key)?.id ?? key);
  }
  // Sorted, so the list does not depend on how a database orders a document's keys (JSONB does
  // its own way): a write's answer, built from the document in memory, matches a later GET.
  const schemas = [model.core.id, ...extensions.sort()];
  const { externalId, ...rest } = resource.data;
  const out: JsonObject = { schemas, id: resource.id };
  if (externalId !== undefined) out.externalId = externalId;
  Object.assign(out, rest);
  if (resource.membership) out[model.membership] = resource.membership.map((m) => memberObject(model, m, baseUrl));
  out.meta = metaOf(model, resource, baseUrl);
  return out;
}

/** One element of `members` (a group's) or `groups` (a user's). */
export function memberObject(model: ResourceModel, m: Member, baseUrl: string): JsonObject {
  const member: JsonObject = { value: m.value, $ref: `${baseUrl}/${m.type === 'User' ? 'Users' : 'Groups'}/${m.value}`, type: m.type };
  if (m.display !== undefined) member.display = m.display;
  if (model.membership === 'groups') member.type = 'direct';
  return member;
}

/** The server-maintained `meta` of a resource. */
export function metaOf(model: ResourceModel, resource: StoredResource, baseUrl: string): JsonObject {
  return {
    resourceType: model.name,
    created: resource.created,
    lastModified: resource.lastModified,
    location: `${baseUrl}${model.endpoint}/${resource.id}`,
    version: etagOf(resource.version),
  };
}
