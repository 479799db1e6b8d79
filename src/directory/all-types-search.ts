import type { FilterLimits } from '../scim/filter/parser.js';
import type { JsonObject } from '../scim/json.js';
import { parseAllTypesQuery } from '../scim/list/all-types-query.js';
import type { PagingSettings } from '../scim/list/list-query.js';
import { listResponse } from '../scim/list/list-response.js';
import { applyProjection, includesMembership } from '../scim/resource/projection.js';
import { toRepresentation } from '../scim/resource/representation.js';
import { modelFor, resourceModels } from '../scim/schema/resource-models.js';
import type { Store } from '../store/store.js';
import type { RequestContext } from './resource-service.js';
import { ResponseBudget } from './response-budget.js';

/**
 * POST /.search at the server root (RFC 7644 §3.4.3): Users and Groups of the caller's directory
 * in one ListResponse, each resource with its own `schemas` and `meta.resourceType`.
 */
export async function searchAllTypes(
  store: Store,
  settings: { paging: PagingSettings; filterLimits: FilterLimits; maxProjectionEntries: number; maxResponseBytes: number },
  ctx: RequestContext,
  params: JsonObject,
): Promise<JsonObject> {
  const query = parseAllTypesQuery(params, settings.paging, settings.filterLimits, settings.maxProjectionEntries);
  const result = await store.queryAllTypes(ctx.directoryId, {
    ...(query.filter ? { filter: query.filter } : {}),
    ...(query.sortBy ? { sortBy: query.sortBy } : {}),
    sortOrder: query.sortOrder,
    offset: query.startIndex - 1,
    count: query.count,
    includeMembership: resourceModels.filter((model) => includesMembership(model, query.projection[model.name])).map((model) => model.name),
  });
  // Bounded like a search of one type: refused with 400 tooMany once the page passes the cap.
  const budget = new ResponseBudget(settings.maxResponseBytes);
  const resources = result.resources.map((resource) => {
    const model = modelFor(resource.type);
    return budget.add(applyProjection(model, toRepresentation(model, resource, ctx.baseUrl), query.projection[model.name]));
  });
  return listResponse(resources, result.total, { startIndex: query.startIndex });
}
