import { invalidFilter } from '../errors.js';
import { isJsonObject, ownValue, type JsonObject, type JsonValue } from '../json.js';
import { formatAttrPath, type AttrPath } from '../path/attr-path.js';
import type { ResourceModel } from '../schema/resource-models.js';
import { resolveAttribute, resolveSubAttribute, traitsOf, type ResolvedAttribute } from '../schema/resolve.js';
import type { Filter } from './ast.js';
import { operandFor, satisfies } from './compare-values.js';

/**
 * Reads what a path names in the object under test, with the attribute's traits: `values` are
 * what comparisons test (a multi-valued complex attribute gives its `value`s), `elements` are
 * what a value filter tests (the elements themselves).
 */
type Lookup = (path: AttrPath) => { resolved: ResolvedAttribute; values: JsonValue[]; elements: JsonValue[] };

/**
 * Evaluates a filter against a full SCIM representation in memory. scimd's server runs filters
 * as SQL; this evaluator serves PATCH value paths, scoping filters of the provisioning engine and
 * tests that compare the two.
 */
export function matchesResource(filter: Filter, resource: JsonObject, model: ResourceModel): boolean {
  return evaluate(filter, (path) => {
    const resolved = resolveAttribute(model, path);
    if (!resolved) throw invalidFilter(`Unknown attribute ${formatAttrPath(path)}`);
    const holder = resolved.container ? resource[resolved.container] : resource;
    const value = isJsonObject(holder) ? ownValue(holder, resolved.name) : undefined;
    return { resolved, values: valuesAt(value, resolved), elements: present(value) };
  });
}

/** Evaluates the filter of a value path (`emails[type eq "work"]`) against one element. */
export function matchesElement(filter: Filter, element: JsonValue, parent: ResolvedAttribute): boolean {
  return evaluate(filter, (path) => {
    if (path.uri !== undefined || path.sub !== undefined) {
      throw invalidFilter(`${formatAttrPath(path)} is not a sub-attribute of ${parent.name}`);
    }
    const sub = resolveSubAttribute(parent, path.attr);
    if (!sub) throw invalidFilter(`${parent.name} has no sub-attribute ${path.attr}`);
    // Within one element a sub-attribute is single-valued, so the parent's definition is left out.
    const resolved: ResolvedAttribute = { name: parent.name, sub };
    const value = isJsonObject(element) ? ownValue(element, sub.name) : path.attr.toLowerCase() === 'value' ? element : undefined;
    const values = present(value);
    return { resolved, values, elements: values };
  });
}

function evaluate(filter: Filter, lookup: Lookup): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluate(filter.left, lookup) && evaluate(filter.right, lookup);
    case 'or':
      return evaluate(filter.left, lookup) || evaluate(filter.right, lookup);
    case 'not':
      return !evaluate(filter.filter, lookup);
    case 'present':
      return lookup(filter.path).values.some(isPresentValue);
    case 'compare': {
      const { resolved, values } = lookup(filter.path);
      const label = formatAttrPath(filter.path);
      if (filter.value === null) {
        const present = values.some(isPresentValue);
        if (filter.op === 'eq') return !present;
        if (filter.op === 'ne') return present;
      }
      const traits = traitsOf(resolved);
      const operand = operandFor(filter.op, filter.value, traits, label);
      if (filter.op === 'ne') return !values.some((v) => satisfies(v, 'eq', operand));
      const op = filter.op;
      return values.some((v) => satisfies(v, op, operand));
    }
    case 'valuePath': {
      const { resolved, elements } = lookup(filter.path);
      if (resolved.sub) throw invalidFilter(`A value filter cannot follow the sub-attribute ${formatAttrPath(filter.path)}`);
      if (resolved.def && !resolved.def.multiValued) throw invalidFilter(`${formatAttrPath(filter.path)} is not multi-valued`);
      return elements.some((element) => matchesElement(filter.filter, element, resolved));
    }
  }
}

/**
 * The values an attribute holds, flattened: a multi-valued attribute gives its elements, a
 * sub-attribute of a multi-valued attribute gives that sub-attribute of each element, and a
 * multi-valued complex attribute named without a sub-attribute compares its `value`s.
 */
function valuesAt(value: JsonValue | undefined, resolved: ResolvedAttribute): JsonValue[] {
  const items = present(value);
  if (resolved.sub) {
    return items.flatMap((item) => (isJsonObject(item) ? present(ownValue(item, resolved.sub!.name)) : []));
  }
  if (resolved.def?.type === 'complex' && resolved.def.multiValued) {
    return items.flatMap((item) => (isJsonObject(item) ? present(item.value) : []));
  }
  return items;
}

function present(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.filter((v) => v !== null) : [value];
}

function isPresentValue(value: JsonValue): boolean {
  if (value === '' || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.keys(value).length > 0;
  return true;
}
