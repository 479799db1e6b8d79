import { invalidValue, tooMany } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { matchesElement } from '../filter/evaluate.js';
import { DEFAULT_FILTER_LIMITS, parseFilter, type FilterLimits } from '../filter/parser.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { parseAttrPath } from '../path/attr-path.js';
import { coreAttributes, findAttribute, findExtension, type ResourceModel } from '../schema/resource-models.js';
import { resolveAttribute, type ResolvedAttribute } from '../schema/resolve.js';
import { extensionUri } from '../schema/extension-uri.js';
import type { AttributeDef } from '../schema/types.js';

/** One entry of `attributes` or `excludedAttributes`, resolved to where it lives. */
interface ProjectionEntry {
  container?: string;
  name?: string;
  sub?: string;
  /** Microsoft's reference tests narrow a multi-valued attribute: `emails[type eq "work"]`. */
  filter?: Filter;
  resolved?: ResolvedAttribute;
}

export interface Projection {
  attributes?: ProjectionEntry[];
  excluded?: ProjectionEntry[];
}

/**
 * How much one request may ask of a projection: entries in `attributes` and `excludedAttributes`
 * together, and comparisons in all their value filters together (`filterLimits.maxTerms`), so a
 * long list of `emails[…]` entries cannot cost more than one long filter.
 */
export interface ProjectionLimits {
  maxEntries: number;
  filterLimits: FilterLimits;
}

export const DEFAULT_PROJECTION_LIMITS: ProjectionLimits = { maxEntries: 1000, filterLimits: DEFAULT_FILTER_LIMITS };

/** What is left of the limits while both lists are parsed. */
interface Budget {
  entries: number;
  comparisons: number;
  limits: ProjectionLimits;
}

/**
 * Parses the `attributes` / `excludedAttributes` parameters (RFC 7644 §3.4.2.5): comma-separated
 * attribute paths, as strings or arrays. Names that no schema defines are ignored, as the RFC
 * allows; a schema URN alone selects the whole extension.
 */
export function parseProjection(model: ResourceModel, attributes: unknown, excluded: unknown, limits: ProjectionLimits = DEFAULT_PROJECTION_LIMITS): Projection {
  const projection: Projection = {};
  const budget: Budget = { entries: limits.maxEntries, comparisons: limits.filterLimits.maxTerms, limits };
  const include = parseList(model, attributes, 'attributes', budget);
  const exclude = parseList(model, excluded, 'excludedAttributes', budget);
  if (include) projection.attributes = include;
  if (exclude) projection.excluded = exclude;
  return projection;
}

function parseList(model: ResourceModel, value: unknown, label: string, budget: Budget): ProjectionEntry[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value : [value];
  if (!items.every((item) => typeof item === 'string')) throw invalidValue(`${label} must be a list of attribute names`);
  const names = splitTopLevel((items as string[]).join(','));
  budget.entries -= names.length;
  if (budget.entries < 0) {
    throw tooMany(`attributes and excludedAttributes name more than ${budget.limits.maxEntries} attributes together; ask for fewer`);
  }
  const entries: ProjectionEntry[] = [];
  for (const name of names) {
    const entry = parseEntry(model, name, label, budget);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Splits on commas that are not inside brackets or quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '[') depth++;
    else if (!quoted && c === ']') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseEntry(model: ResourceModel, text: string, label: string, budget: Budget): ProjectionEntry | undefined {
  // A schema URN alone, known or not (`urn:…:CustomExt:2.0:User`), selects the whole extension.
  const extension = extensionUri(text, model);
  if (extension) return { container: extension };
  let filter: Filter | undefined;
  let pathText = text;
  const open = text.indexOf('[');
  if (open !== -1 && text.endsWith(']')) {
    pathText = text.slice(0, open);
    filter = parseFilter(text.slice(open + 1, -1), budget.limits.filterLimits);
    budget.comparisons -= comparisonsIn(filter);
    if (budget.comparisons < 0) {
      throw tooMany(`The value filters in attributes and excludedAttributes hold more than ${budget.limits.filterLimits.maxTerms} comparisons together`);
    }
  }
  let resolved: ResolvedAttribute | undefined;
  try {
    resolved = resolveAttribute(model, parseAttrPath(pathText, invalidValue));
  } catch {
    throw invalidValue(`${label}: ${JSON.stringify(text)} is not an attribute path`);
  }
  if (!resolved) return undefined;
  const entry: ProjectionEntry = { name: resolved.name, resolved };
  if (resolved.container) entry.container = resolved.container;
  if (resolved.sub) entry.sub = resolved.sub.name;
  if (filter) entry.filter = filter;
  return entry;
}

function comparisonsIn(filter: Filter): number {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return comparisonsIn(filter.left) + comparisonsIn(filter.right);
    case 'not':
    case 'valuePath':
      return comparisonsIn(filter.filter);
    default:
      return 1;
  }
}

/**
 * Whether the membership attribute (members, groups) will appear in the response, so the store
 * can skip reading it: `excludedAttributes=members` never touches the membership table.
 */
export function includesMembership(model: ResourceModel, projection: Projection): boolean {
  return decide(projection, undefined, findAttribute(coreAttributes(model), model.membership)!) !== 'omit';
}

/** Applies a projection to a full representation. `schemas` and `id` always stay. */
export function applyProjection(model: ResourceModel, resource: JsonObject, projection: Projection): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas' || key === 'id') {
      out[key] = value;
      continue;
    }
    if (/^urn:/i.test(key) && isJsonObject(value)) {
      const known = findExtension(model, key);
      const projected: JsonObject = {};
      for (const [name, attrValue] of Object.entries(value)) {
        const def = known ? findAttribute(known.attributes, name) : undefined;
        const kept = project(projection, key, name, def, attrValue);
        if (kept !== undefined) projected[name] = kept;
      }
      if (Object.keys(projected).length) out[key] = projected;
      continue;
    }
    const def = findAttribute(coreAttributes(model), key);
    const kept = project(projection, undefined, key, def, value);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

type Decision = 'keep' | 'omit' | { subs?: Set<string>; excludedSubs?: Set<string>; filters?: { filter: Filter; resolved: ResolvedAttribute }[] };

function project(
  projection: Projection,
  container: string | undefined,
  name: string,
  def: AttributeDef | undefined,
  value: JsonValue,
): JsonValue | undefined {
  const decision = decide(projection, container, def ?? { name } as AttributeDef);
  if (decision === 'omit') return undefined;
  if (decision === 'keep') return value;
  const pick = (object: JsonValue): JsonValue | undefined => {
    if (!isJsonObject(object)) return object;
    const result: JsonObject = {};
    for (const [k, v] of Object.entries(object)) {
      const lower = k.toLowerCase();
      if (decision.subs && !decision.subs.has(lower)) continue;
      if (decision.excludedSubs?.has(lower)) continue;
      result[k] = v;
    }
    return Object.keys(result).length ? result : undefined;
  };
  if (Array.isArray(value)) {
    let elements = value;
    if (decision.filters) {
      elements = elements.filter((e) => decision.filters!.some((f) => matchesElement(f.filter, e, f.resolved)));
    }
    const picked = elements.map(pick).filter((e): e is JsonValue => e !== undefined);
    return picked.length ? picked : undefined;
  }
  return pick(value);
}

function decide(projection: Projection, container: string | undefined, def: AttributeDef): Decision {
  if (def.returned === 'never') return 'omit';
  const same = (e: ProjectionEntry) =>
    (e.container ?? '').toLowerCase() === (container ?? '').toLowerCase() && (e.name === undefined || e.name.toLowerCase() === def.name.toLowerCase());
  if (def.returned === 'always') return 'keep';
  if (projection.attributes) {
    const matches = projection.attributes.filter(same);
    if (matches.length === 0) return 'omit';
    if (matches.some((e) => e.name === undefined || (!e.sub && !e.filter))) return 'keep';
    const decision: Exclude<Decision, 'keep' | 'omit'> = {};
    const subs = matches.filter((e) => e.sub).map((e) => e.sub!.toLowerCase());
    if (subs.length && matches.every((e) => e.sub)) decision.subs = new Set(subs);
    const filters = matches.filter((e) => e.filter && e.resolved).map((e) => ({ filter: e.filter!, resolved: e.resolved! }));
    if (filters.length) decision.filters = filters;
    return decision;
  }
  if (def.returned === 'request') return 'omit';
  if (projection.excluded) {
    const matches = projection.excluded.filter(same);
    if (matches.some((e) => e.name === undefined || !e.sub)) return 'omit';
    if (matches.length) return { excludedSubs: new Set(matches.map((e) => e.sub!.toLowerCase())) };
  }
  return 'keep';
}

/**
 * Whether a projection leaves the representation whole, apart from the membership attribute
 * (which the store then does not read): no `attributes`, and `excludedAttributes` naming at most
 * the membership attribute. Such an answer can be spliced from stored text.
 */
export function keepsWholeRepresentation(model: ResourceModel, projection: Projection): boolean {
  if (projection.attributes) return false;
  return (projection.excluded ?? []).every((e) => !e.container && !e.sub && !e.filter && e.name?.toLowerCase() === model.membership);
}
