import { invalidPath, invalidValue, mutability, noTarget, ScimError } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { matchesElement } from '../filter/evaluate.js';
import { cloneJson, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../json.js';
import { formatAttrPath, parseAttrPath, type AttrPath } from '../path/attr-path.js';
import { coerceAttribute, coerceSimple, coerceSingle } from '../resource/coerce.js';
import { parseMemberRefs, type MemberRef } from '../resource/members.js';
import { requireName } from '../resource/normalize.js';
import { findAttribute, findExtension, type ResourceModel } from '../schema/resource-models.js';
import type { AttributeDef } from '../schema/types.js';
import { resolveAttribute, resolveSubAttribute, type ResolvedAttribute } from '../schema/resolve.js';
import { extensionUri } from '../schema/extension-uri.js';
import type { PatchPath } from './patch-path.js';
import type { PatchOperation } from './patch-request.js';

/**
 * A change to a group's membership, kept apart from the JSON document because members live in
 * their own table: adding one member costs the same in a group of ten or of a million.
 * Changes are applied by the store in the order given.
 */
export type MemberChange =
  | { op: 'add'; members: MemberRef[] }
  | { op: 'remove'; ids: string[] }
  | { op: 'replace'; members: MemberRef[] }
  | { op: 'removeWhere'; filter: Filter };

export interface PatchOutcome {
  data: JsonObject;
  memberChanges: MemberChange[];
}

/**
 * Applies PATCH operations in order to a copy of a stored document (RFC 7644 §3.5.2). Throws a
 * ScimError on the first operation that cannot apply, so callers write all or nothing.
 * Entra's known departures from the RFC are accepted: a value-path add or replace that matches
 * no element creates the element, and remove on a multi-valued attribute with a `value` removes
 * just those values.
 */
export function applyPatch(model: ResourceModel, id: string, current: JsonObject, operations: PatchOperation[]): PatchOutcome {
  const patcher = new Patcher(model, id, cloneJson(current));
  for (const operation of operations) patcher.apply(operation);
  return patcher.finish();
}

type Target = ResolvedAttribute & { filter?: Filter; label: string };

class Patcher {
  private readonly memberChanges: MemberChange[] = [];

  constructor(
    private readonly model: ResourceModel,
    private readonly id: string,
    private readonly data: JsonObject,
  ) {}

  apply(operation: PatchOperation): void {
    try {
      if (!operation.path) this.applyPathless(operation);
      else this.applyPath(operation.op, operation.path, operation.value);
      // An emptied attribute is unassigned (RFC 7643 §2.5) before the next operation sees it, so a
      // request of N operations ends where N requests of one operation would.
      this.dropEmptyAttributes();
    } catch (error) {
      if (error instanceof ScimError) {
        throw new ScimError(error.status, `Operation ${operation.index + 1}: ${error.detail}`, error.scimType);
      }
      throw error;
    }
  }

  finish(): PatchOutcome {
    requireName(this.model, this.data);
    return { data: this.data, memberChanges: this.memberChanges };
  }

  private dropEmptyAttributes(): void {
    for (const key of Object.keys(this.data)) {
      if (isEmpty(this.data[key])) delete this.data[key];
    }
  }

  /** A pathless add or replace carries an object of attributes, possibly dotted or URN-qualified. */
  private applyPathless(operation: PatchOperation): void {
    if (operation.op === 'remove') throw noTarget('remove needs a path');
    const value = operation.value;
    if (!isJsonObject(value)) throw invalidValue(`${operation.op} without a path needs an object value`);
    for (const [key, attrValue] of Object.entries(value)) {
      if (key === '__proto__') continue;
      const lower = key.toLowerCase();
      if (lower === 'schemas' || lower === 'meta') continue;
      if (lower === 'id') {
        if (attrValue !== this.id) throw mutability('id is read-only');
        continue;
      }
      const uri = extensionUri(key, this.model);
      if (uri) {
        this.applyToExtension(operation.op, uri, attrValue);
        continue;
      }
      const path = parseAttrPath(key);
      this.applyPath(operation.op, { kind: 'attribute', path, text: key }, attrValue);
    }
  }

  private applyToExtension(op: 'add' | 'replace' | 'remove', uri: string, value: unknown): void {
    if (op === 'remove') {
      delete this.data[findExtension(this.model, uri)?.id ?? uri];
      return;
    }
    if (!isJsonObject(value)) throw invalidValue(`The value for ${uri} must be an object`);
    for (const [name, attrValue] of Object.entries(value)) {
      if (name === '__proto__') continue;
      this.applyPath(op, { kind: 'attribute', path: { ...parseAttrPath(name), uri }, text: `${uri}:${name}` }, attrValue);
    }
  }

  private applyPath(op: 'add' | 'replace' | 'remove', patchPath: PatchPath, value: unknown): void {
    if (patchPath.kind === 'extension') {
      this.applyToExtension(op, patchPath.uri, value);
      return;
    }
    const target = this.resolve(patchPath.path, patchPath.filter, patchPath.text);
    if (target.name === this.model.membership && !target.container) {
      this.applyMembership(op, target, value);
      return;
    }
    if (isDiscarded(target)) return;
    if (op !== 'remove' && value === null) op = 'remove';
    if (op === 'remove') this.remove(target, value);
    else this.write(op, target, value);
  }

  private resolve(path: AttrPath, filter: Filter | undefined, text: string): Target {
    const resolved = resolveAttribute(this.model, path);
    if (!resolved) throw invalidPath(`${formatAttrPath(path)} is not an attribute of ${this.model.name}`);
    if (filter && resolved.def && !resolved.def.multiValued) {
      throw invalidPath(`${resolved.name} is not multi-valued, so it cannot take a value filter`);
    }
    return filter ? { ...resolved, filter, label: text } : { ...resolved, label: text };
  }

  // ---- membership (Group.members) -------------------------------------------------------

  private applyMembership(op: 'add' | 'replace' | 'remove', target: Target, value: unknown): void {
    if (this.model.membership !== 'members') throw mutability(`${target.name} is read-only; change memberships through the group`);
    if (target.sub) throw invalidPath(`Members are added or removed whole; ${target.label} names a sub-attribute`);
    if (op === 'remove') {
      if (target.filter) {
        const ids = idsFromFilter(target.filter);
        this.memberChanges.push(ids ? { op: 'remove', ids } : { op: 'removeWhere', filter: target.filter });
      } else if (value === undefined || value === null) {
        this.memberChanges.push({ op: 'replace', members: [] });
      } else {
        this.memberChanges.push({ op: 'remove', ids: parseMemberRefs(value).map((m) => m.value) });
      }
      return;
    }
    if (target.filter) throw invalidPath(`${op} on members takes the members as the value, not a filter`);
    const members = parseMemberRefs(value);
    this.memberChanges.push(op === 'add' ? { op: 'add', members } : { op: 'replace', members });
  }

  // ---- add and replace ------------------------------------------------------------------

  private write(op: 'add' | 'replace', target: Target, value: unknown): void {
    const holder = this.holder(target, true)!;
    const def = target.def;
    const current = holder[target.name];

    if (target.filter) {
      this.writeMatching(target, holder, value);
      return;
    }
    if (target.sub) {
      const subValue = this.coerceSub(target, value);
      if (def?.multiValued) {
        const elements = Array.isArray(current) ? current : [];
        if (elements.length === 0) throw noTarget(`${target.label} has no elements to change`);
        for (const element of elements) if (isJsonObject(element)) setOrDelete(element, target.sub.name, subValue);
      } else {
        const object = isJsonObject(current) ? current : {};
        if (target.sub.name === 'value') forgetStaleReference(def, object, subValue === undefined ? {} : { value: subValue });
        setOrDelete(object, target.sub.name, subValue);
        holder[target.name] = object;
      }
      return;
    }
    const coerced = coerceAttribute(def, value, target.label);
    if (coerced === undefined) {
      if (op === 'replace') delete holder[target.name];
      return;
    }
    if (def?.multiValued) {
      const incoming = coerced as JsonValue[];
      if (op === 'replace' || !Array.isArray(current)) {
        holder[target.name] = incoming;
      } else {
        const merged = [...current];
        for (const element of incoming) {
          if (!merged.some((existing) => jsonEqual(existing, element))) merged.push(element);
        }
        holder[target.name] = merged;
      }
      normalisePrimary(holder[target.name] as JsonValue[], incoming, target.label);
      return;
    }
    if (def?.type === 'complex' && isJsonObject(current) && isJsonObject(coerced)) {
      const merged = { ...current };
      forgetStaleReference(def, merged, coerced);
      holder[target.name] = Object.assign(merged, coerced);
      return;
    }
    holder[target.name] = coerced;
  }

  /** add/replace on `attr[filter]` or `attr[filter].sub`; no match creates the element. */
  private writeMatching(target: Target, holder: JsonObject, value: unknown): void {
    const elements = Array.isArray(holder[target.name]) ? (holder[target.name] as JsonValue[]) : [];
    const matched = elements.filter((element) => matchesElement(target.filter!, element, target));
    let patch: JsonObject;
    if (target.sub) {
      const subValue = this.coerceSub(target, value);
      patch = subValue === undefined ? {} : { [target.sub.name]: subValue };
      if (subValue === undefined) {
        for (const element of matched) if (isJsonObject(element)) delete element[target.sub.name];
        return;
      }
    } else {
      const coerced = target.def ? coerceSingle(target.def, Array.isArray(value) && value.length === 1 ? value[0] : value, target.label) : value;
      if (!isJsonObject(coerced)) throw invalidValue(`${target.label} needs an object value`);
      patch = coerced;
    }
    if (matched.length === 0) {
      const seed = seedFromFilter(target.filter!, target);
      if (!seed) throw noTarget(`No element of ${target.name} matches ${target.label}`);
      const element = { ...seed, ...patch };
      elements.push(element);
      holder[target.name] = elements;
      normalisePrimary(elements, [element], target.label);
      return;
    }
    for (const element of matched) {
      if (isJsonObject(element)) Object.assign(element, patch);
    }
    normalisePrimary(elements, matched.filter((e) => isJsonObject(e) && patch.primary === true), target.label);
  }

  private coerceSub(target: Target, value: unknown): JsonValue | undefined {
    if (!target.sub?.def) return coerceAttribute(undefined, value, target.label);
    if (target.sub.def.mutability === 'readOnly') throw mutability(`${target.label} is read-only`);
    return coerceSimple(target.sub.def, value, target.label);
  }

  // ---- remove ---------------------------------------------------------------------------

  private remove(target: Target, value: unknown): void {
    const holder = this.holder(target, false);
    if (!holder) return;
    const current = holder[target.name];
    if (target.def && !target.container && target.name === this.model.nameAttribute && !target.sub) {
      throw invalidValue(`${target.name} is required and cannot be removed`);
    }
    if (target.filter) {
      if (!Array.isArray(current)) return;
      const matches = (element: JsonValue) => matchesElement(target.filter!, element, target);
      if (target.sub) {
        for (const element of current) if (isJsonObject(element) && matches(element)) delete element[target.sub.name];
      } else {
        holder[target.name] = current.filter((element) => !matches(element));
      }
      return;
    }
    if (target.sub) {
      const objects = Array.isArray(current) ? current : [current];
      for (const object of objects) if (isJsonObject(object)) delete object[target.sub.name];
      return;
    }
    if (target.def?.multiValued && Array.isArray(current) && value !== undefined && value !== null) {
      const removing = coerceAttribute(target.def, value, target.label) as JsonValue[] | undefined;
      if (!removing) return;
      holder[target.name] = current.filter((element) => !removing.some((r) => sameElement(element, r)));
      return;
    }
    delete holder[target.name];
  }

  /** The object that holds the attribute: the document, or its extension object. */
  private holder(target: Target, create: boolean): JsonObject | undefined {
    if (!target.container) return this.data;
    const existing = this.data[target.container];
    if (isJsonObject(existing)) return existing;
    if (!create) return undefined;
    const created: JsonObject = {};
    this.data[target.container] = created;
    return created;
  }
}

/**
 * Throws for read-only targets; returns true for write-only, never-returned attributes
 * (password), which are accepted and discarded as on POST and PUT.
 */
function isDiscarded(target: Target): boolean {
  const def = target.sub?.def ?? target.def;
  if (target.def?.mutability === 'readOnly' || def?.mutability === 'readOnly') {
    throw mutability(`${target.label} is read-only`);
  }
  return target.def?.mutability === 'writeOnly' && target.def.returned === 'never';
}

/**
 * Sub-attributes not given are kept when a complex attribute is merged (RFC 7644 §3.5.2.3), but a
 * reference's `$ref` describes its `value`: when a single-valued reference such as `manager`
 * gets a new value without a `$ref`, the old `$ref` would name the previous manager, so it goes.
 */
function forgetStaleReference(def: AttributeDef | undefined, current: JsonObject, incoming: JsonObject): void {
  if (!def || def.multiValued || !findAttribute(def.subAttributes, '$ref')) return;
  if (incoming.value === undefined || jsonEqual(incoming.value, current.value)) return;
  if (incoming.$ref === undefined) delete current.$ref;
}

function setOrDelete(object: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value === undefined) delete object[key];
  else object[key] = value;
}

/**
 * When a value marked primary is added, the others lose the flag (RFC 7643 §2.4); more than one
 * primary among the new values themselves is an error.
 */
function normalisePrimary(elements: JsonValue[], incoming: JsonValue[], label: string): void {
  const newPrimaries = incoming.filter((e) => isJsonObject(e) && e.primary === true);
  if (newPrimaries.length > 1) throw invalidValue(`At most one of the ${label} values may be primary`);
  if (newPrimaries.length === 0) return;
  for (const element of elements) {
    if (isJsonObject(element) && element.primary === true && !newPrimaries.includes(element)) element.primary = false;
  }
}

/** Elements to remove match by `value` when both have one (Entra's remove-by-value form). */
function sameElement(element: JsonValue, removing: JsonValue): boolean {
  if (isJsonObject(element) && isJsonObject(removing) && removing.value !== undefined && Object.keys(removing).length === 1) {
    return jsonEqual(element.value, removing.value);
  }
  return jsonEqual(element, removing);
}

/** The attributes a new element gets from a filter made only of `eq` comparisons joined by `and`. */
function seedFromFilter(filter: Filter, parent: ResolvedAttribute): JsonObject | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && !filter.path.uri && !filter.path.sub && filter.value !== null) {
    const sub = resolveSubAttribute(parent, filter.path.attr);
    if (!sub) return undefined;
    const value = sub.def ? coerceSimple(sub.def, filter.value, `${parent.name}.${sub.name}`) : filter.value;
    return value === undefined ? undefined : { [sub.name]: value };
  }
  if (filter.kind === 'and') {
    const left = seedFromFilter(filter.left, parent);
    const right = seedFromFilter(filter.right, parent);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}

/** `members[value eq "a"]` or `members[value eq "a" or value eq "b"]`: the ids, without a query. */
function idsFromFilter(filter: Filter): string[] | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.attr.toLowerCase() === 'value' && !filter.path.sub && typeof filter.value === 'string') {
    return [filter.value];
  }
  if (filter.kind === 'or') {
    const left = idsFromFilter(filter.left);
    const right = idsFromFilter(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

function isEmpty(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) return Object.values(value).every(isEmpty);
  return false;
}
