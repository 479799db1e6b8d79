import type { FastifyInstance, FastifyRequest } from 'fastify';
import { directoryNotFound } from '../../admin/admin-refusals.js';
import type { ResourceService, RequestContext } from '../../directory/resource-service.js';
import type { DirectoryEvent } from '../../events/event-types.js';
import type { Store } from '../../store/store.js';
import type { AdminRouteContext } from './admin-context.js';
import { BROWSE_SCHEMAS as S } from './schemas/browse-schemas.js';

/** How far back a resource's history is looked for: the directory's latest events, not all of them. */
export const HISTORY_WINDOW = 5000;
const HISTORY_BATCH = 1000;

const USER_SUMMARY = 'userName,displayName,name,active,emails,externalId';
const GROUP_SUMMARY = 'displayName,externalId';
const MEMBER_SUMMARY = 'userName,displayName,active';

export interface BrowseRouteOptions {
  context: AdminRouteContext;
  resources: ResourceService;
  store: Store;
  clock: () => Date;
}

interface ResourceParams {
  directory: string;
  id: string;
}

/** Paging, and for lists a SCIM filter, plain text, and a sort; typed by the routes' schemas. */
interface ListQuery {
  startIndex?: number;
  count?: number;
  filter?: string;
  search?: string;
  sortBy?: string;
  sortOrder?: string;
}

/**
 * Read-only browsing of a directory's users and groups for admins (the console): the SCIM list
 * and read operations of ResourceService, addressed by directory instead of by client secret.
 * Lists take a SCIM `filter`, a plain-text `search`, or both, and page with startIndex/count.
 */
export function registerBrowseRoutes(app: FastifyInstance, options: BrowseRouteOptions): void {
  const { context, resources, store, clock } = options;
  const contextOf = async (request: FastifyRequest<{ Params: { directory: string } }>): Promise<RequestContext> => {
    const directory = await store.findDirectoryRecord(request.params.directory);
    if (!directory) throw directoryNotFound(request.params.directory);
    return { directoryId: directory.id, baseUrl: context.scimUrl(request), now: clock() };
  };

  app.get<{ Params: { directory: string }; Querystring: ListQuery }>('/directories/:directory/users', { schema: S.users }, async (request) =>
    resources.list(await contextOf(request), 'User', listParams(request.query, USER_SUMMARY, userSearch)),
  );

  app.get<{ Params: { directory: string }; Querystring: ListQuery }>('/directories/:directory/groups', { schema: S.groups }, async (request) =>
    resources.list(await contextOf(request), 'Group', listParams(request.query, GROUP_SUMMARY, groupSearch)),
  );

  app.get<{ Params: ResourceParams }>('/directories/:directory/users/:id', { schema: S.user }, async (request) =>
    (await resources.get(await contextOf(request), 'User', request.params.id, {})).body,
  );

  // Without members: a group can hold half a million; they are paged below.
  app.get<{ Params: ResourceParams }>('/directories/:directory/groups/:id', { schema: S.group }, async (request) =>
    (await resources.get(await contextOf(request), 'Group', request.params.id, { excludedAttributes: 'members' })).body,
  );

  app.get<{ Params: ResourceParams; Querystring: ListQuery }>('/directories/:directory/groups/:id/members', { schema: S.members }, async (request) => {
    const ctx = await contextOf(request);
    await resources.get(ctx, 'Group', request.params.id, { attributes: 'id' }); // 404 for an unknown group
    return resources.list(ctx, 'User', {
      ...pagingParams(request.query),
      filter: `groups.value eq ${JSON.stringify(request.params.id)}`,
      attributes: MEMBER_SUMMARY,
    });
  });

  for (const type of ['User', 'Group'] as const) {
    const path = `/directories/:directory/${type === 'User' ? 'users' : 'groups'}/:id/history`;
    app.get<{ Params: ResourceParams }>(path, { schema: type === 'User' ? S.userHistory : S.groupHistory }, async (request) => {
      const ctx = await contextOf(request);
      return { events: await subjectHistory(store, ctx.directoryId, request.params.id), window: HISTORY_WINDOW };
    });
  }
}

/** The events about one resource among the directory's latest HISTORY_WINDOW, newest first. */
async function subjectHistory(store: Store, directoryId: string, subjectId: string): Promise<DirectoryEvent[]> {
  const last = await store.lastSequence(directoryId);
  const found: DirectoryEvent[] = [];
  for (let after = Math.max(0, last - HISTORY_WINDOW); after < last; ) {
    const batch = await store.readEvents(directoryId, after, HISTORY_BATCH);
    if (!batch.length) break;
    found.push(...batch.filter((event) => event.subject.id === subjectId || memberOf(event) === subjectId));
    after = batch[batch.length - 1].sequence;
  }
  return found.reverse();
}

/** The member a membership event names, so a user's history shows the groups it joined and left. */
function memberOf(event: DirectoryEvent): string | undefined {
  if (event.type !== 'group.member_added' && event.type !== 'group.member_removed') return undefined;
  const member = event.data.member;
  if (typeof member === 'string') return member;
  if (member && typeof member === 'object' && !Array.isArray(member) && typeof member.value === 'string') return member.value;
  return undefined;
}

function pagingParams(query: ListQuery): Record<string, unknown> {
  const { startIndex, count } = query;
  return { ...(startIndex !== undefined ? { startIndex: String(startIndex) } : {}), ...(count !== undefined ? { count: String(count) } : {}) };
}

function listParams(query: ListQuery, attributes: string, search: (text: string) => string): Record<string, unknown> {
  const filter = query.filter?.trim();
  const text = query.search?.trim();
  const clauses = [filter, text ? search(text) : undefined].filter((c): c is string => !!c);
  const combined = clauses.length === 2 ? `(${clauses[0]}) and (${clauses[1]})` : clauses[0];
  const { sortBy, sortOrder } = query;
  return {
    ...pagingParams(query),
    ...(combined ? { filter: combined } : {}),
    ...(sortBy ? { sortBy } : {}),
    ...(sortOrder ? { sortOrder } : {}),
    attributes,
  };
}
/** Plain text as a SCIM filter: a JSON string literal is a valid SCIM compValue, escapes and all. */
function userSearch(text: string): string {
  const q = JSON.stringify(text);
  return `userName co ${q} or displayName co ${q} or name.formatted co ${q} or emails.value co ${q} or externalId eq ${q}`;
}

function groupSearch(text: string): string {
  const q = JSON.stringify(text);
  return `displayName co ${q} or externalId eq ${q}`;
}
