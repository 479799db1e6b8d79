import type { CheckHttp, Exchange } from './check-http.js';

/** What the server's discovery documents (RFC 7643 §5, §6; RFC 9865 §5) say it supports. */
export interface Capabilities {
  /** Whether /ServiceProviderConfig answered a readable document; without it nothing optional is assumed. */
  serviceProviderConfig: boolean;
  patch: boolean;
  bulk: { supported: boolean; maxOperations?: number; maxPayloadSize?: number };
  filter: { supported: boolean; maxResults?: number };
  sort: boolean;
  etag: boolean;
  changePassword: boolean;
  pagination: { cursor: boolean; index: boolean; defaultPageSize?: number; maxPageSize?: number };
  /** Whether /ResourceTypes (or, failing that, a /Groups probe) shows a Group endpoint. */
  groups: boolean;
  /** Whether the User resource type lists the enterprise extension. */
  enterpriseUser: boolean;
}

const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The documents as fetched, kept for the discovery checks. */
export interface Discovery {
  capabilities: Capabilities;
  serviceProviderConfig: Exchange;
  resourceTypes: Exchange;
  schemas: Exchange;
}

/**
 * Reads /ServiceProviderConfig, /ResourceTypes and /Schemas. A feature counts as supported when
 * the server says so; a server with no readable document is assumed to filter and PATCH (what
 * Entra and Okta send regardless) and to offer nothing optional. Pagination without the RFC 9865
 * block means index paging, which RFC 7644 §3.4.2.4 makes the baseline.
 */
export async function readDiscovery(http: CheckHttp): Promise<Discovery> {
  const [serviceProviderConfig, resourceTypes, schemas] = [
    await http.send('GET', '/ServiceProviderConfig'),
    await http.send('GET', '/ResourceTypes'),
    await http.send('GET', '/Schemas'),
  ];
  const spc = serviceProviderConfig.status === 200 ? serviceProviderConfig.json : {};
  const readable = Object.keys(spc).length > 0;
  const supported = (name: string) => flag(spc, name) === true;
  // Without a document the server has claimed nothing: what every IdP relies on (filtering on
  // eq, PATCH) is tested anyway, the optional extras (bulk, sort, ETags, cursors) are not.
  const baseline = (name: string) => (readable ? supported(name) : true);
  const bulk = objectAt(spc, 'bulk');
  const filter = objectAt(spc, 'filter');
  const pagination = objectAt(spc, 'pagination');
  const types = resourceTypes.status === 200 ? listOf(resourceTypes.body) : [];
  const userType = types.find((t) => String(t.name ?? t.id).toLowerCase() === 'user');
  let groups = types.some((t) => String(t.name ?? t.id).toLowerCase() === 'group');
  if (types.length === 0) groups = (await http.send('GET', '/Groups', { query: { count: 1 } })).status === 200;
  const extensions = Array.isArray(userType?.schemaExtensions) ? (userType.schemaExtensions as Record<string, unknown>[]) : [];
  return {
    serviceProviderConfig,
    resourceTypes,
    schemas,
    capabilities: {
      serviceProviderConfig: readable,
      patch: baseline('patch'),
      bulk: { supported: supported('bulk'), maxOperations: numberAt(bulk, 'maxOperations'), maxPayloadSize: numberAt(bulk, 'maxPayloadSize') },
      filter: { supported: baseline('filter'), maxResults: numberAt(filter, 'maxResults') },
      sort: supported('sort'),
      etag: supported('etag'),
      changePassword: supported('changePassword'),
      pagination: {
        cursor: pagination?.cursor === true,
        index: pagination ? pagination.index !== false : true,
        defaultPageSize: numberAt(pagination, 'defaultPageSize'),
        maxPageSize: numberAt(pagination, 'maxPageSize'),
      },
      groups,
      enterpriseUser: extensions.some((e) => String(e.schema).toLowerCase() === ENTERPRISE_USER.toLowerCase()),
    },
  };
}

/** The resources of a ListResponse, or the elements of a bare array (older servers answer discovery that way). */
export function listOf(body: unknown): Record<string, unknown>[] {
  if (Array.isArray(body)) return body.filter(isObject);
  if (!isObject(body)) return [];
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'resources');
  const list = key ? body[key] : undefined;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  return isObject(value) ? value : undefined;
}

function flag(body: Record<string, unknown>, key: string): unknown {
  return objectAt(body, key)?.supported;
}

function numberAt(body: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = body?.[key];
  return typeof value === 'number' ? value : undefined;
}

/** The skip reason when a feature is not advertised. */
export function unlessAdvertised(feature: string, supported: boolean): string | undefined {
  return supported ? undefined : `the server does not advertise ${feature} in /ServiceProviderConfig`;
}
