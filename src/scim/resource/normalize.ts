import { invalidSyntax, invalidValue } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import {
  coreAttributes,
  findAttribute,
  findExtension,
  isCoreSchema,
  resourceModels,
  type ResourceModel,
} from '../schema/resource-models.js';
import { coerceAttribute } from './coerce.js';
import { extensionUri } from '../schema/extension-uri.js';
import type { MemberRef } from './members.js';
import { parseMemberRefs } from './members.js';

/** A resource as a client wrote it, reduced to what scimd stores. */
export interface ResourceInput {
  /** Attributes without id, meta, schemas and the membership attribute, keyed by canonical names. */
  data: JsonObject;
  /** Group members given in the body (only for groups; undefined when the body has none). */
  members?: MemberRef[];
}

const SKIPPED = new Set(['schemas', 'id', 'meta']);

/**
 * Validates and normalises the body of a POST or PUT. Unknown attributes of the core schema are
 * ignored (RFC 7644 §3.3 lets a service provider do so, and Microsoft's reference tests expect
 * it); attributes of unknown extension URNs are kept, because Entra sends custom extensions
 * without listing them in `schemas`. Read-only attributes are ignored as RFC 7643 §7 says.
 */
export function normalizeResource(model: ResourceModel, body: unknown): ResourceInput {
  if (!isJsonObject(body)) throw invalidSyntax('The request body must be a JSON object');
  checkSchemas(model, body.schemas);
  const data: JsonObject = {};
  let members: MemberRef[] | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (SKIPPED.has(key.toLowerCase()) || key === '__proto__') continue;
    if (/^urn:/i.test(key)) {
      mergeExtension(model, data, key, value);
      continue;
    }
    const def = findAttribute(coreAttributes(model), key);
    if (!def) continue;
    if (def.name === 'members' && model.membership === 'members') {
      members = parseMemberRefs(value);
      continue;
    }
    if (def.mutability === 'readOnly') continue;
    if (def.returned === 'never') continue; // password: accepted, never stored
    const coerced = coerceAttribute(def, value, def.name);
    if (coerced !== undefined) data[def.name] = coerced;
  }
  requireName(model, data);
  return members === undefined ? { data } : { data, members };
}

/** The naming attribute (userName, displayName) is required and must not be blank. */
export function requireName(model: ResourceModel, data: JsonObject): void {
  const name = data[model.nameAttribute];
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidValue(`${model.nameAttribute} is required`);
  }
}

function checkSchemas(model: ResourceModel, schemas: unknown): void {
  if (schemas === undefined || schemas === null) return;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw invalidSyntax('schemas must be an array of URI strings');
  }
  const names = schemas as string[];
  const otherCore = resourceModels.find((m) => m !== model && names.some((s) => isCoreSchema(m, s)));
  if (otherCore && !names.some((s) => isCoreSchema(model, s))) {
    throw invalidSyntax(`schemas names ${otherCore.core.id}, which is not the schema of ${model.endpoint}`);
  }
}

/**
 * Adds the attributes of an extension object (`"urn:…:User": {…}`) or one URN-qualified
 * attribute (`"urn:…:User:department": "Sales"`) to the stored document.
 */
function mergeExtension(model: ResourceModel, data: JsonObject, key: string, value: unknown): void {
  if (isCoreSchema(model, key)) {
    if (!isJsonObject(value)) throw invalidValue(`${key} must be an object`);
    const nested = normalizeCoreObject(model, value);
    Object.assign(data, nested);
    return;
  }
  const extension = findExtension(model, key);
  if (extension) {
    if (value === null) return;
    if (!isJsonObject(value)) throw invalidValue(`${key} must be an object`);
    const target: JsonObject = isJsonObject(data[extension.id]) ? (data[extension.id] as JsonObject) : {};
    for (const [name, attrValue] of Object.entries(value)) {
      const def = findAttribute(extension.attributes, name);
      if (!def || def.mutability === 'readOnly') continue;
      const coerced = coerceAttribute(def, attrValue, `${extension.id}:${def.name}`);
      if (coerced !== undefined) target[def.name] = coerced;
    }
    if (Object.keys(target).length) data[extension.id] = target;
    return;
  }
  // A URN-qualified attribute of a known schema, such as "urn:…:enterprise:2.0:User:department".
  const colon = key.lastIndexOf(':');
  const prefix = key.slice(0, colon);
  const attrName = key.slice(colon + 1);
  // `target["__proto__"] = …` below would replace the object's prototype rather than add a key.
  if (attrName === '__proto__') return;
  const qualified = findExtension(model, prefix);
  if (qualified) {
    mergeExtension(model, data, qualified.id, { [attrName]: value });
    return;
  }
  if (isCoreSchema(model, prefix)) {
    Object.assign(data, normalizeCoreObject(model, { [attrName]: value as JsonObject[string] }));
    return;
  }
  // An extension scimd does not know: kept as sent, nested under its schema URN when the key
  // is a URN-qualified attribute (`urn:…:CustomExt:2.0:User:costCode`).
  const coerced = coerceAttribute(undefined, value, key);
  if (coerced === undefined) return;
  const container = extensionUri(prefix, model);
  if (container && !extensionUri(key, model)) {
    const target = isJsonObject(data[container]) ? (data[container] as JsonObject) : {};
    target[attrName] = coerced;
    data[container] = target;
  } else {
    data[key] = coerced;
  }
}

function normalizeCoreObject(model: ResourceModel, value: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [name, attrValue] of Object.entries(value)) {
    const def = findAttribute(coreAttributes(model), name);
    if (!def || def.mutability === 'readOnly' || def.returned === 'never' || def.name === 'members') continue;
    const coerced = coerceAttribute(def, attrValue, def.name);
    if (coerced !== undefined) result[def.name] = coerced;
  }
  return result;
}
