import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_SCHEMA, ScimError } from '../../../src/scim/errors.js';
import { matchesResource } from '../../../src/scim/filter/evaluate.js';
import { parseFilter } from '../../../src/scim/filter/parser.js';
import type { JsonObject } from '../../../src/scim/json.js';
import { applyPatch, type MemberChange } from '../../../src/scim/patch/apply-patch.js';
import { parsePatchRequest } from '../../../src/scim/patch/patch-request.js';
import { etagOf, toRepresentation, type StoredResource } from '../../../src/scim/resource/representation.js';
import { parseMemberRefs, type Member } from '../../../src/scim/resource/members.js';
import { schemaDocuments, resourceTypeDocuments } from '../../../src/scim/discovery/schemas.js';
import { groupModel, userModel, type ResourceModel } from '../../../src/scim/schema/resource-models.js';
import { printFilter } from '../../../src/scim/filter/printer.js';
import { LIST_RESPONSE_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from '../../../src/scim/schema/urns.js';

/**
 * The misbehaviours the checker must catch, each one a fault seen in real SCIM servers
 * (/work/shared/peers.md): switch one on and the named check has to fail.
 */
export type Fault =
  | 'ignoreFilter' // advertises filter.supported, returns everything
  | 'noFilterAdvertised' // says filter.supported false (filter checks must skip, not fail)
  | 'caseSensitiveUserName' // userName eq compares case
  | 'duplicateUserNames' // no uniqueness on userName
  | 'loseConcurrentMembers' // read-modify-write of members across an await
  | 'plainErrorBody' // 401 as text/plain
  | 'notFoundOnNoMatch' // a filter with no result answers 404
  | 'pagingDuplicates' // each page after the first starts one early
  | 'ignoreIfMatch' // If-Match is not checked
  | 'ignoreSortOrder' // sortOrder=descending is ignored
  | 'stringBooleans' // Entra's "False" is stored as a string
  | 'slowGroups'; // GET /Groups takes 700 ms

/** Each fault of the broken server, and the check that must catch it. */
export const BROKEN_SERVER_FAULTS: [Fault, string][] = [
  ['ignoreFilter', 'filter.eq.username'],
  ['ignoreFilter', 'discovery.filter-truthful'],
  ['caseSensitiveUserName', 'filter.eq.username-case-insensitive'],
  ['duplicateUserNames', 'race.username-unique'],
  ['duplicateUserNames', 'users.create.duplicate'],
  ['loseConcurrentMembers', 'race.members-no-lost-update'],
  ['plainErrorBody', 'auth.no-token'],
  ['notFoundOnNoMatch', 'users.filter.no-match'],
  ['pagingDuplicates', 'paging.index.complete'],
  ['ignoreIfMatch', 'etag.if-match'],
  ['ignoreSortOrder', 'sort.username.descending'],
  ['stringBooleans', 'patch.entra.string-booleans'],
  ['slowGroups', 'latency.okta-groups'],
];

export interface BrokenServer {
  baseUrl: string;
  token: string;
  faults: Set<Fault>;
  /** Every request it received, in order, with its parsed body. */
  requests: { method: string; path: string; body: unknown }[];
  /** Every resource it holds, for cleanup assertions. */
  resources(): { users: JsonObject[]; groups: JsonObject[] };
  close(): Promise<void>;
}

interface Row {
  resource: StoredResource;
  members: Member[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A small in-memory SCIM server on node:http, built on scimd's protocol core so that without
 * faults it answers the checks it is used with correctly.
 */
export async function startBrokenServer(faults: Fault[] = []): Promise<BrokenServer> {
  const token = `broken-${randomUUID()}`;
  const active = new Set(faults);
  const rows = { Users: new Map<string, Row>(), Groups: new Map<string, Row>() };
  let baseUrl = '';
  const requests: BrokenServer['requests'] = [];

  const send = (res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/scim+json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const error = (res: http.ServerResponse, status: number, detail: string, scimType?: string) =>
    send(res, status, { schemas: [ERROR_SCHEMA], status: String(status), detail, ...(scimType ? { scimType } : {}) });
  const represent = (model: ResourceModel, row: Row) => toRepresentation(model, { ...row.resource, membership: model === groupModel ? row.members : undefined }, baseUrl);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, text: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/scim\/v2/, '');
    if (req.headers.authorization !== `Bearer ${token}`) {
      if (active.has('plainErrorBody')) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        return void res.end('Unauthorized');
      }
      return error(res, 401, 'Bearer token required');
    }
    if (path === '/ServiceProviderConfig') {
      return send(res, 200, {
        schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: !active.has('noFilterAdvertised'), maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        authenticationSchemes: [],
      });
    }
    if (path === '/Schemas') return send(res, 200, { schemas: [LIST_RESPONSE_SCHEMA], totalResults: 3, Resources: schemaDocuments(baseUrl) });
    if (path === '/ResourceTypes') return send(res, 200, { schemas: [LIST_RESPONSE_SCHEMA], totalResults: 2, Resources: resourceTypeDocuments(baseUrl) });
    const match = /^\/(Users|Groups)(?:\/([^/]+))?$/.exec(path);
    if (!match) return error(res, 404, 'No such endpoint');
    const endpoint = match[1] as 'Users' | 'Groups';
    const model = endpoint === 'Users' ? userModel : groupModel;
    const table = rows[endpoint];
    const id = match[2] ? decodeURIComponent(match[2]) : undefined;
    const body = text ? (JSON.parse(text) as JsonObject) : {};
    requests.push({ method: req.method ?? '', path, body });

    if (!id && req.method === 'GET') {
      if (endpoint === 'Groups' && active.has('slowGroups')) await sleep(700);
      let found = [...table.values()];
      const filter = url.searchParams.get('filter');
      if (filter && !active.has('ignoreFilter')) {
        const parsed = parseFilter(filter);
        found = found.filter((row) => matchesResource(parsed, represent(model, row), model));
        const exact = /^userName eq "(.*)"$/.exec(printFilter(parsed));
        if (exact && active.has('caseSensitiveUserName')) found = found.filter((row) => row.resource.data.userName === exact[1]);
      }
      if (filter && found.length === 0 && active.has('notFoundOnNoMatch')) return error(res, 404, 'No such user');
      if (url.searchParams.get('sortBy') === 'userName') {
        found.sort((a, b) => String(a.resource.data.userName).localeCompare(String(b.resource.data.userName)));
        if (url.searchParams.get('sortOrder') === 'descending' && !active.has('ignoreSortOrder')) found.reverse();
      }
      const startIndex = Math.max(1, Number(url.searchParams.get('startIndex') ?? 1));
      const count = Math.min(200, Number(url.searchParams.get('count') ?? 100));
      const from = active.has('pagingDuplicates') && startIndex > 1 ? startIndex - 2 : startIndex - 1;
      const page = found.slice(from, from + count);
      return send(res, 200, { schemas: [LIST_RESPONSE_SCHEMA], totalResults: found.length, startIndex, itemsPerPage: page.length, Resources: page.map((row) => represent(model, row)) });
    }
    if (!id && req.method === 'POST') {
      const { schemas: _schemas, id: _id, meta: _meta, members, ...data } = body;
      const name = String(data[model.nameAttribute] ?? '');
      if (!name) return error(res, 400, `${model.nameAttribute} is required`, 'invalidValue');
      const taken = [...table.values()].some((row) => String(row.resource.data[model.nameAttribute]).toLowerCase() === name.toLowerCase());
      if (taken && !(endpoint === 'Users' && active.has('duplicateUserNames'))) return error(res, 409, `${name} exists`, 'uniqueness');
      const now = new Date().toISOString();
      const row: Row = { resource: { id: randomUUID(), type: model.name, data: data as JsonObject, version: 1, created: now, lastModified: now }, members: parseMemberRefs(members).map((m) => ({ value: m.value, type: 'User' })) };
      table.set(row.resource.id, row);
      const representation = represent(model, row);
      return send(res, 201, representation, { location: String((representation.meta as JsonObject).location), etag: etagOf(1) });
    }
    const row = id ? table.get(id) : undefined;
    if (!row) return error(res, 404, `${model.name} ${id} not found`);
    const current = etagOf(row.resource.version);
    if (req.method === 'GET') {
      if (req.headers['if-none-match'] === current) return send(res, 304);
      return send(res, 200, represent(model, row), { etag: current });
    }
    if (req.headers['if-match'] && req.headers['if-match'] !== current && !active.has('ignoreIfMatch')) return error(res, 412, 'The resource changed');
    if (req.method === 'DELETE') {
      table.delete(id!);
      return send(res, 204);
    }
    if (req.method === 'PUT') {
      const { schemas: _schemas, id: _id, meta: _meta, members: _members, ...data } = body;
      row.resource = { ...row.resource, data: data as JsonObject, version: row.resource.version + 1 };
      return send(res, 200, represent(model, row), { etag: etagOf(row.resource.version) });
    }
    if (req.method === 'PATCH') {
      const outcome = applyPatch(model, row.resource.id, row.resource.data, parsePatchRequest(body, model));
      if (active.has('stringBooleans')) {
        for (const op of (body.Operations as JsonObject[]) ?? []) if (String(op.path).toLowerCase() === 'active' && typeof op.value === 'string') outcome.data.active = op.value;
      }
      // The faulty server reads the members, yields (as a database round trip would), then writes its copy back.
      const before = [...row.members];
      if (active.has('loseConcurrentMembers')) await sleep(20);
      row.members = applyMemberChanges(active.has('loseConcurrentMembers') ? before : row.members, outcome.memberChanges);
      row.resource = { ...row.resource, data: outcome.data, version: row.resource.version + 1 };
      return send(res, 200, represent(model, row), { etag: etagOf(row.resource.version) });
    }
    return error(res, 405, 'Method not allowed');
  }

  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      handle(req, res, text).catch((failure: unknown) => {
        if (failure instanceof ScimError) return error(res, failure.status, failure.detail, failure.scimType);
        error(res, 500, String(failure));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  return {
    baseUrl,
    token,
    faults: active,
    requests,
    resources: () => ({
      users: [...rows.Users.values()].map((row) => represent(userModel, row)),
      groups: [...rows.Groups.values()].map((row) => represent(groupModel, row)),
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Applies the PATCH engine's membership changes to a member list. */
function applyMemberChanges(members: Member[], changes: MemberChange[]): Member[] {
  let result = [...members];
  for (const change of changes) {
    if (change.op === 'add') for (const m of change.members) if (!result.some((r) => r.value === m.value)) result.push({ value: m.value, type: 'User' });
    if (change.op === 'replace') result = change.members.map((m) => ({ value: m.value, type: 'User' }));
    if (change.op === 'remove') result = result.filter((m) => !change.ids.includes(m.value));
    if (change.op === 'removeWhere') {
      const id = /value eq "(.*)"/.exec(printFilter(change.filter))?.[1];
      result = result.filter((m) => m.value !== id);
    }
  }
  return result;
}

