import { invalidCount, invalidValue } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { parseFilter, type FilterLimits } from '../filter/parser.js';
import { findKey, isJsonObject, type JsonObject } from '../json.js';
import { parseAttrPath } from '../path/attr-path.js';
import { DEFAULT_PROJECTION_LIMITS, parseProjection, type Projection } from '../resource/projection.js';
import type { ResourceModel } from '../schema/resource-models.js';
import { resolveAttribute, type ResolvedAttribute } from '../schema/resolve.js';

export interface PagingSettings {
  defaultPageSize: number;
  maxPageSize: number;
}

/** A list request (GET with query parameters, or POST /.search), parsed and checked. */
export interface ListQuery {
  filter?: Filter;
  sortBy?: ResolvedAttribute;
  sortOrder: 'ascending' | 'descending';
  /** Index pagination (RFC 7644 §3.4.2.4): 1-based. */
  startIndex: number;
  count: number;
  /** Cursor pagination (RFC 9865): '' asks for the first page. Undefined means index paging. */
  cursor?: string;
  projection: Projection;
}

/**
 * Reads list parameters from a query string (all strings) or a SearchRequest body (typed
 * values). Parameter names are matched case-insensitively. `count` above the maximum is
 * lowered to it and a negative `count` counts as 0, as RFC 7644 §3.4.2.4 says.
 */
export function parseListQuery(
  model: ResourceModel,
  params: JsonObject | Record<string, unknown>,
  paging: PagingSettings,
  limits?: FilterLimits,
  maxProjectionEntries = DEFAULT_PROJECTION_LIMITS.maxEntries,
): ListQuery {
  const source = params as JsonObject;
  const get = (name: string) => {
    const key = findKey(source, name);
    const value = key === undefined ? undefined : source[key];
    return Array.isArray(value) && name !== 'attributes' && name !== 'excludedAttributes' ? value[value.length - 1] : value;
  };
  const query: ListQuery = {
    sortOrder: 'ascending',
    startIndex: 1,
    count: paging.defaultPageSize,
    projection: parseProjection(model, get('attributes'), get('excludedAttributes'), { maxEntries: maxProjectionEntries, filterLimits: limits ?? DEFAULT_PROJECTION_LIMITS.filterLimits }),
  };

  const filter = get('filter');
  if (filter !== undefined && filter !== null) {
    if (typeof filter !== 'string') throw invalidValue('filter must be a string');
    if (filter.trim() !== '') query.filter = parseFilter(filter, limits);
  }

  const sortBy = get('sortBy');
  if (sortBy !== undefined && sortBy !== null && sortBy !== '') {
    if (typeof sortBy !== 'string') throw invalidValue('sortBy must be an attribute path');
    const resolved = resolveAttribute(model, parseAttrPath(sortBy, invalidValue));
    if (!resolved) throw invalidValue(`sortBy names an unknown attribute: ${sortBy}`);
    if (resolved.def?.type === 'complex' && !resolved.sub && !resolved.def.multiValued) {
      throw invalidValue(`sortBy must name a simple attribute; ${sortBy} is complex`);
    }
    query.sortBy = resolved;
  }
  const sortOrder = get('sortOrder');
  if (sortOrder !== undefined && sortOrder !== null && sortOrder !== '') {
    const order = String(sortOrder).toLowerCase();
    if (order !== 'ascending' && order !== 'descending') throw invalidValue('sortOrder must be "ascending" or "descending"');
    query.sortOrder = order;
  }

  const count = readInteger(get('count'), 'count', invalidCount);
  if (count !== undefined) query.count = Math.min(Math.max(count, 0), paging.maxPageSize);
  const startIndex = readInteger(get('startIndex'), 'startIndex', invalidValue);
  if (startIndex !== undefined) query.startIndex = Math.max(startIndex, 1);

  const cursor = get('cursor');
  if (cursor !== undefined && cursor !== null) {
    if (typeof cursor !== 'string') throw invalidValue('cursor must be a string');
    if (startIndex !== undefined) throw invalidValue('Use either cursor or startIndex, not both');
    query.cursor = cursor;
  }
  return query;
}

function readInteger(value: unknown, name: string, error: (detail: string) => Error): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw error(`${name} must be an integer`);
  return number;
}

/** A SearchRequest body (RFC 7644 §3.4.3) as list parameters. */
export function searchRequestParams(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw invalidValue('The search request must be a JSON object');
  return body;
}
