import { ERROR_SCHEMA } from '../../scim/errors.js';
import { LIST_RESPONSE_SCHEMA } from '../../scim/schema/urns.js';
import { isObject, listOf } from '../capabilities.js';
import { CheckFailure } from '../check-failure.js';
import type { Exchange } from '../check-http.js';

/** Fails unless the answer is `status` with an RFC 7644 §3.12 error body (Error schema, status as a string). */
export function expectErrorBody(exchange: Exchange, status: number, what: string): void {
  if (exchange.status !== status) throw new CheckFailure(`${what}: expected HTTP ${status}, got ${exchange.status}`, [exchange]);
  const body = exchange.json;
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  if (!schemas.includes(ERROR_SCHEMA)) throw new CheckFailure(`${what}: the body is not a SCIM error (schemas must list ${ERROR_SCHEMA}, RFC 7644 §3.12)`, [exchange]);
  if (body.status !== String(status)) {
    throw new CheckFailure(`${what}: the error body's "status" must be the string "${status}" (RFC 7644 §3.12), got ${JSON.stringify(body.status)}`, [exchange]);
  }
  if (body.detail !== undefined && typeof body.detail !== 'string') throw new CheckFailure(`${what}: "detail" must be a string`, [exchange]);
}

/** Fails unless the answer is an error with the given scimType (RFC 7644 §3.12 table 9). */
export function expectScimType(exchange: Exchange, status: number, scimType: string, what: string): void {
  expectErrorBody(exchange, status, what);
  if (exchange.json.scimType !== scimType) {
    throw new CheckFailure(`${what}: expected scimType "${scimType}", got ${JSON.stringify(exchange.json.scimType)}`, [exchange]);
  }
}

/** Fails unless the answer is 200 with a ListResponse whose counters are integers (RFC 7644 §3.4.2). */
export function expectListResponse(exchange: Exchange, what: string): Record<string, unknown>[] {
  if (exchange.status !== 200) throw new CheckFailure(`${what}: expected HTTP 200, got ${exchange.status}`, [exchange]);
  const schemas = Array.isArray(exchange.json.schemas) ? exchange.json.schemas : [];
  if (!schemas.includes(LIST_RESPONSE_SCHEMA)) throw new CheckFailure(`${what}: the answer is not a ListResponse (schemas must list ${LIST_RESPONSE_SCHEMA})`, [exchange]);
  if (!Number.isInteger(exchange.json.totalResults)) throw new CheckFailure(`${what}: totalResults must be an integer`, [exchange]);
  return listOf(exchange.body);
}

/** The ids of a list of resources. */
export function idsOf(resources: Record<string, unknown>[]): string[] {
  return resources.map((r) => String(r.id));
}

/** Reads a dotted path (`name.familyName`) or an extension attribute (`urn:…:User:department`) from a resource. */
export function valueAt(resource: Record<string, unknown>, path: string): unknown {
  const urn = /^(urn:[^]*):([^:.]+)$/i.exec(path);
  if (urn) {
    const extension = Object.entries(resource).find(([k]) => k.toLowerCase() === urn[1].toLowerCase())?.[1];
    return isObject(extension) ? caseless(extension, urn[2]) : undefined;
  }
  let current: unknown = resource;
  for (const part of path.split('.')) current = isObject(current) ? caseless(current, part) : undefined;
  return current;
}

/** Attribute names are case-insensitive (RFC 7643 §2.1). */
function caseless(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

/** The work email of a user, by type. */
export function emailOfType(resource: Record<string, unknown>, type: string): unknown {
  const emails = valueAt(resource, 'emails');
  return Array.isArray(emails) ? emails.find((e) => isObject(e) && String(e.type).toLowerCase() === type)?.value : undefined;
}

/** The member ids of a group representation. */
export function memberIds(group: Record<string, unknown>): string[] {
  const members = valueAt(group, 'members');
  return Array.isArray(members) ? members.filter(isObject).map((m) => String(m.value)) : [];
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === a.length && a.length === b.length && b.every((x) => left.has(x));
}
