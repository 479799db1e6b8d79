import type { JsonObject } from '../json.js';
import { LIST_RESPONSE_SCHEMA } from '../schema/urns.js';

/** RFC 7644 §3.4.2 ListResponse; `nextCursor` per RFC 9865 when more pages follow. */
export function listResponse(resources: JsonObject[], totalResults: number, paging: { startIndex?: number; nextCursor?: string }): JsonObject {
  const body: JsonObject = {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
  };
  if (paging.startIndex !== undefined) body.startIndex = paging.startIndex;
  if (paging.nextCursor !== undefined) body.nextCursor = paging.nextCursor;
  body.Resources = resources;
  return body;
}
