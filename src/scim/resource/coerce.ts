import { invalidValue } from '../errors.js';
import { findAttribute } from '../schema/resource-models.js';
import type { AttributeDef } from '../schema/types.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';

/**
 * Turns a client's value for one attribute into the stored form, or undefined when the value
 * means "unassigned" (null, empty array, empty object). Leniencies, each for a real client:
 * "True"/"False" strings for booleans (Entra), a bare id for a complex attribute with a `value`
 * sub-attribute (Entra's manager; an empty one means none), a single value for a multi-valued attribute.
 */
export function coerceAttribute(def: AttributeDef | undefined, value: unknown, label: string): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (!def) return openValue(value, label);
  if (def.multiValued) {
    const items = (Array.isArray(value) ? value : [value])
      .map((item) => coerceSingle(def, item, label))
      .filter((item): item is JsonValue => item !== undefined);
    if (items.length === 0) return undefined;
    if (def.type === 'complex' && items.filter((item) => isJsonObject(item) && item.primary === true).length > 1) {
      throw invalidValue(`At most one of the ${label} values may be primary`);
    }
    return items;
  }
  if (Array.isArray(value)) {
    // A one-element array for a single-valued attribute (Entra's manager example) is unwrapped.
    if (value.length === 1) return coerceSingle(def, value[0], label);
    if (value.length === 0) return undefined;
    throw invalidValue(`${label} is single-valued but an array was given`);
  }
  return coerceSingle(def, value, label);
}

/** Coerces one element: the value of a single-valued attribute or one item of a multi-valued one. */
export function coerceSingle(def: AttributeDef, value: unknown, label: string): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (def.type === 'complex') return coerceComplex(def, value, label);
  return coerceSimple(def, value, label);
}

function coerceComplex(def: AttributeDef, value: unknown, label: string): JsonObject | undefined {
  if (!isJsonObject(value)) {
    if (findAttribute(def.subAttributes, 'value') && (typeof value === 'string' || typeof value === 'number')) {
      // An empty bare id names nothing: Microsoft's validator removes a manager by replacing it with "".
      if (value === '') return undefined;
      return { value: typeof value === 'number' ? String(value) : value };
    }
    throw invalidValue(`${label} must be an object`);
  }
  const result: JsonObject = {};
  for (const [key, subValue] of Object.entries(value)) {
    const sub = findAttribute(def.subAttributes, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const coerced = coerceSimple(sub, subValue, `${label}.${sub.name}`);
    if (coerced !== undefined) result[sub.name] = coerced;
  }
  return Object.keys(result).length ? result : undefined;
}

/** Coerces a value of a simple (non-complex) attribute or sub-attribute. */
export function coerceSimple(def: AttributeDef, value: unknown, label: string): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalidValue(`${label} must be a boolean`);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw invalidValue(`${label} must be an integer`);
    case 'decimal':
      if (typeof value === 'number') return value;
      throw invalidValue(`${label} must be a number`);
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      throw invalidValue(`${label} must be an xsd:dateTime string`);
    case 'complex':
      throw invalidValue(`${label} must be an object`);
    default:
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw invalidValue(`${label} must be a string`);
  }
}

/** Values of attributes from extensions scimd does not know are kept as sent, minus nulls. */
function openValue(value: unknown, label: string): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => openValue(v, label)).filter((v): v is JsonValue => v !== undefined);
    return items.length ? items : undefined;
  }
  if (isJsonObject(value)) {
    const result: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__') continue;
      const coerced = openValue(v, label);
      if (coerced !== undefined) result[k] = coerced;
    }
    return Object.keys(result).length ? result : undefined;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw invalidValue(`${label} has an unsupported value`);
}
