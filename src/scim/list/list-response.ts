import type { JsonObject } from '../json.js';
import { JsonText } from '../json-text.js';
import { LIST_RESPONSE_SCHEMA } from '../schema/urns.js';

interface Paging {
  startIndex?: number;
  nextCursor?: string;
}

/** RFC 7644 §3.4.2 ListResponse; `nextCursor` per RFC 9865 when more pages follow. */
export function listResponse(resources: JsonObject[], totalResults: number, paging: Paging): JsonObject {
  const body = listHeader(totalResults, resources.length, paging) as JsonObject;
  body.Resources = resources;
  return body;
}

/** The same ListResponse from resources already serialised (`texts`, one JSON object each), as text. */
export function listResponseText(texts: string[], totalResults: number, paging: Paging): JsonText {
  const header = JSON.stringify(listHeader(totalResults, texts.length, paging));
  return new JsonText(`${header.slice(0, -1)},"Resources":[${texts.join(',')}]}`);
}

function listHeader(totalResults: number, itemsPerPage: number, paging: Paging): JsonObject {
  const body: JsonObject = { schemas: [LIST_RESPONSE_SCHEMA], totalResults, itemsPerPage };
  if (paging.startIndex !== undefined) body.startIndex = paging.startIndex;
  if (paging.nextCursor !== undefined) body.nextCursor = paging.nextCursor;
  return body;
}
