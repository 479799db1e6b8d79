import { invalidFilter, invalidValue } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import type { FilterLimits } from '../filter/parser.js';
import { findKey, type JsonObject } from '../json.js';
import { formatAttrPath, parseAttrPath, type AttrPath } from '../path/attr-path.js';
import { DEFAULT_PROJECTION_LIMITS, parseProjection, type Projection } from '../resource/projection.js';
import { resourceModels, type ResourceTypeName } from '../schema/resource-models.js';
import { resolveAttribute, type ResolvedAttribute } from '../schema/resolve.js';
import { parseListQuery, type PagingSettings } from './list-query.js';

/**
 * A SearchRequest sent to the server root (RFC 7644 §3.4.3): the list parameters of
 * parseListQuery, with `sortBy` and the projection read once per resource type.
 */
export interface AllTypesQuery {
  filter?: Filter;
  /** Per type; a type missing here has no such attribute and sorts as having no value. */
  sortBy?: Partial<Record<ResourceTypeName, ResolvedAttribute>>;
  sortOrder: 'ascending' | 'descending';
  startIndex: number;
  count: number;
  projection: Record<ResourceTypeName, Projection>;
}

/**
 * Reads a root search. RFC 7644 §3.4.2: an attribute that one resource type does not define has
 * no value on that type's resources (so `userName pr` matches no group); an attribute no type
 * defines is still a 400 invalidFilter, as a typo would otherwise silently match nothing.
 * Cursor paging is per resource type and refused here.
 */
export function parseAllTypesQuery(params: JsonObject, paging: PagingSettings, limits?: FilterLimits, maxProjectionEntries = DEFAULT_PROJECTION_LIMITS.maxEntries): AllTypesQuery {
  const key = (name: string) => findKey(params, name);
  const cursorKey = key('cursor');
  if (cursorKey !== undefined && params[cursorKey] !== null) throw invalidValue('Cursor paging is per resource type: search /Users/.search or /Groups/.search for a cursor, or page this search with startIndex');
  // The type-independent parameters, read once; sortBy and the projection are read per type below.
  const common: JsonObject = { ...params };
  for (const name of ['sortBy', 'attributes', 'excludedAttributes']) {
    const found = key(name);
    if (found !== undefined) delete common[found];
  }
  const base = parseListQuery(resourceModels[0], common, paging, limits, maxProjectionEntries);
  if (base.filter) checkDefinedSomewhere(base.filter);

  const sortByKey = key('sortBy');
  const sortByText = sortByKey === undefined ? undefined : params[sortByKey];
  const projection = Object.fromEntries(
    resourceModels.map((model) => [
      model.name,
      parseProjection(model, params[key('attributes') ?? ''], params[key('excludedAttributes') ?? ''], { maxEntries: maxProjectionEntries, filterLimits: limits ?? DEFAULT_PROJECTION_LIMITS.filterLimits }),
    ]),
  ) as Record<ResourceTypeName, Projection>;
  const query: AllTypesQuery = { sortOrder: base.sortOrder, startIndex: base.startIndex, count: base.count, projection };
  if (base.filter) query.filter = base.filter;
  if (sortByText !== undefined && sortByText !== null && sortByText !== '') query.sortBy = sortByPerType(sortByText);
  return query;
}

function sortByPerType(text: unknown): Partial<Record<ResourceTypeName, ResolvedAttribute>> {
  if (typeof text !== 'string') throw invalidValue('sortBy must be an attribute path');
  const path = parseAttrPath(text, invalidValue);
  const perType: Partial<Record<ResourceTypeName, ResolvedAttribute>> = {};
  for (const model of resourceModels) {
    // parseListQuery holds the rules (simple attributes, sortable ones): apply them per type.
    if (!resolveAttribute(model, path)) continue;
    perType[model.name] = parseListQuery(model, { sortBy: text }, { defaultPageSize: 0, maxPageSize: 0 }).sortBy!;
  }
  if (Object.keys(perType).length === 0) throw invalidValue(`sortBy names an attribute no resource type has: ${text}`);
  return perType;
}

/** Every attribute a filter names must belong to at least one resource type. */
function checkDefinedSomewhere(filter: Filter): void {
  for (const path of topLevelPaths(filter)) {
    if (!resourceModels.some((model) => resolveAttribute(model, path))) throw invalidFilter(`Unknown attribute ${formatAttrPath(path)}: no resource type has it`);
  }
}

function topLevelPaths(filter: Filter): AttrPath[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return [...topLevelPaths(filter.left), ...topLevelPaths(filter.right)];
    case 'not':
      return topLevelPaths(filter.filter);
    default:
      return [filter.path];
  }
}
