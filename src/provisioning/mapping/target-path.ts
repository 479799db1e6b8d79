import type { Filter } from '../../scim/filter/ast.js';
import { matchesElement } from '../../scim/filter/evaluate.js';
import { printFilter } from '../../scim/filter/printer.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../scim/json.js';
import { parsePatchPath } from '../../scim/patch/patch-path.js';
import { coerceSimple } from '../../scim/resource/coerce.js';
import type { ResourceModel } from '../../scim/schema/resource-models.js';
import { resolveAttribute, resolveSubAttribute, type ResolvedAttribute } from '../../scim/schema/resolve.js';
import type { AttributeDef } from '../../scim/schema/types.js';
import { ENTERPRISE_USER_SCHEMA } from '../../scim/schema/urns.js';

/**
 * One attribute of a target resource that a mapping writes: `userName`, `name.givenName`,
 * `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:department`. `text` is its
 * canonical spelling (schema names, URN-qualified extension attributes, printed filter), used
 * as the key of desired and last-sent state and as the path of PATCH operations.
 */
export interface TargetPath {
  text: string;
  resolved: ResolvedAttribute;
  filter?: Filter;
  /** The element a filtered path names, as sub-attribute values (`{type: "work"}`). */
  seed?: JsonObject;
  /** The enterprise manager: its value is a source object's key until the engine resolves it. */
  isManager: boolean;
}

/** Parses and checks a target attribute against a resource model; errors say what to write instead. */
export function parseTargetPath(text: string, model: ResourceModel): TargetPath {
  let parsed;
  try {
    parsed = parsePatchPath(text, model);
  } catch (error) {
    throw new Error(`${JSON.stringify(text)} is not a target attribute: ${(error as Error).message}`);
  }
  if (parsed.kind === 'extension') throw new Error(`${JSON.stringify(text)} names a whole extension; name one of its attributes`);
  const resolved = resolveAttribute(model, parsed.path);
  if (!resolved) throw new Error(`${JSON.stringify(text)} is not an attribute of a SCIM ${model.name}`);
  const def = resolved.def;
  if (def && (def.mutability === 'readOnly' || resolved.sub?.def?.mutability === 'readOnly') && !isManagerAttribute(resolved)) {
    throw new Error(`${JSON.stringify(text)} is read-only on the target`);
  }
  if (!resolved.container && resolved.name === model.membership) throw new Error(`${JSON.stringify(text)} is provisioned from group membership, not mapped`);
  if (parsed.filter && def && !def.multiValued) throw new Error(`${JSON.stringify(text)}: ${resolved.name} is single-valued and takes no [filter]`);
  if (!parsed.filter && resolved.sub && def?.multiValued) {
    throw new Error(`${JSON.stringify(text)}: ${resolved.name} is multi-valued, so name the element, e.g. ${resolved.name}[type eq "work"].${resolved.sub.name}`);
  }
  const filter = parsed.filter && canonicalFilter(parsed.filter, resolved);
  const path: TargetPath = { text: canonical(resolved, filter), resolved, isManager: isManagerAttribute(resolved) };
  if (filter) {
    const seed = seedOf(filter, resolved);
    if (!seed) throw new Error(`${JSON.stringify(text)}: the filter must be made of "eq" joined by "and", so a missing element can be created`);
    path.filter = filter;
    path.seed = seed;
  }
  return path;
}

/** The filter with sub-attribute names spelt as the schema spells them, so equal paths print equal. */
function canonicalFilter(filter: Filter, parent: ResolvedAttribute): Filter {
  switch (filter.kind) {
    case 'compare':
    case 'present': {
      const sub = filter.path.uri || filter.path.sub ? undefined : resolveSubAttribute(parent, filter.path.attr);
      return sub ? { ...filter, path: { attr: sub.name } } : filter;
    }
    case 'and':
    case 'or':
      return { ...filter, left: canonicalFilter(filter.left, parent), right: canonicalFilter(filter.right, parent) };
    case 'not':
      return { ...filter, filter: canonicalFilter(filter.filter, parent) };
    case 'valuePath':
      return filter;
  }
}

/** An element of a multi-valued attribute with its keys spelt as the schema spells them. */
function schemaKeys(element: JsonValue, parent: ResolvedAttribute): JsonValue {
  if (!isJsonObject(element) || !parent.def) return element;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(element)) result[resolveSubAttribute(parent, key)?.name ?? key] = value;
  return result;
}

function isManagerAttribute(resolved: ResolvedAttribute): boolean {
  return resolved.container === ENTERPRISE_USER_SCHEMA && resolved.name === 'manager' && (!resolved.sub || resolved.sub.name === 'value');
}

function canonical(resolved: ResolvedAttribute, filter: Filter | undefined): string {
  if (isManagerAttribute(resolved)) return `${ENTERPRISE_USER_SCHEMA}:manager`;
  return `${resolved.container ? `${resolved.container}:` : ''}${resolved.name}${filter ? `[${printFilter(filter)}]` : ''}${resolved.sub ? `.${resolved.sub.name}` : ''}`;
}

function seedOf(filter: Filter, parent: ResolvedAttribute): JsonObject | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && !filter.path.uri && !filter.path.sub && filter.value !== null) {
    const sub = resolveSubAttribute(parent, filter.path.attr);
    return sub ? { [sub.name]: filter.value } : undefined;
  }
  if (filter.kind === 'and') {
    const left = seedOf(filter.left, parent);
    const right = seedOf(filter.right, parent);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}

/** The definition of the value a path finally names. */
export function leafDefinition(path: TargetPath): AttributeDef | undefined {
  return path.resolved.sub ? path.resolved.sub.def : path.resolved.def;
}

/**
 * Turns a mapped value into what the target attribute holds: "True"/"False" into booleans,
 * numeric text into numbers; undefined for null and empty text, which mean "no value".
 */
export function coerceTargetValue(path: TargetPath, value: unknown): JsonValue | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (path.isManager) {
    const id = isJsonObject(value) ? value.value : Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`${path.text} must name the manager's key`);
    return String(id) === '' ? undefined : String(id);
  }
  const def = leafDefinition(path);
  const whole = !path.resolved.sub && !path.filter;
  if (!def || def.type === 'complex' || (whole && def.multiValued && (Array.isArray(value) || isJsonObject(value)))) {
    return value as JsonValue;
  }
  if (Array.isArray(value)) {
    if (value.length === 1) return coerceTargetValue(path, value[0]);
    throw new Error(`${path.text} takes one value, but ${value.length} were mapped`);
  }
  let input: unknown = value;
  if ((def.type === 'integer' || def.type === 'decimal') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) input = Number(value);
  try {
    return coerceSimple(def, input, path.text);
  } catch (error) {
    throw new Error(`${(error as Error).message}, not ${JSON.stringify(value)}`);
  }
}

/** Reads what a path names in a SCIM resource (for comparing a found resource with the desired values). */
export function readTarget(doc: JsonObject, path: TargetPath): JsonValue | undefined {
  const { resolved } = path;
  const holder = resolved.container ? doc[findKeyCI(doc, resolved.container) ?? resolved.container] : doc;
  if (!isJsonObject(holder)) return undefined;
  const value = holder[findKeyCI(holder, resolved.name) ?? resolved.name];
  if (value === undefined || value === null) return undefined;
  if (path.isManager) return isJsonObject(value) ? (value.value as JsonValue) : value;
  if (path.filter) {
    if (!Array.isArray(value)) return undefined;
    const element = value.map((e) => schemaKeys(e, resolved)).find((e) => matchesElement(path.filter!, e, resolved));
    if (element === undefined) return undefined;
    if (!resolved.sub) return element;
    return isJsonObject(element) ? element[findKeyCI(element, resolved.sub.name) ?? resolved.sub.name] ?? undefined : undefined;
  }
  if (resolved.sub) return isJsonObject(value) ? value[findKeyCI(value, resolved.sub.name) ?? resolved.sub.name] ?? undefined : undefined;
  return value;
}

/** Writes a value at a path in a resource being built for POST; the manager becomes `{value}`. */
export function writeTarget(doc: JsonObject, path: TargetPath, value: JsonValue): void {
  const { resolved } = path;
  let holder = doc;
  if (resolved.container) {
    if (!isJsonObject(doc[resolved.container])) doc[resolved.container] = {};
    holder = doc[resolved.container] as JsonObject;
  }
  if (path.isManager) {
    holder.manager = { value };
    return;
  }
  if (path.filter) {
    const elements = Array.isArray(holder[resolved.name]) ? (holder[resolved.name] as JsonValue[]) : [];
    let element = elements.find((e) => matchesElement(path.filter!, e, resolved)) as JsonObject | undefined;
    if (!element) {
      element = { ...path.seed };
      elements.push(element);
    }
    if (resolved.sub) element[resolved.sub.name] = value;
    else if (isJsonObject(value)) Object.assign(element, value);
    holder[resolved.name] = elements;
    return;
  }
  if (resolved.sub) {
    if (!isJsonObject(holder[resolved.name])) holder[resolved.name] = {};
    (holder[resolved.name] as JsonObject)[resolved.sub.name] = value;
    return;
  }
  holder[resolved.name] = value;
}

function findKeyCI(object: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}
