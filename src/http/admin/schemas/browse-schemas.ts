import { DIRECTORY_PARAM, type JsonSchema, ok, pathParams, problem, queryParams, ref, routeSchemas } from '../route-schema.js';

const directory = pathParams({ directory: DIRECTORY_PARAM });
const resource = pathParams({ directory: DIRECTORY_PARAM, id: { type: 'string', description: 'The SCIM id of the user or group.' } });
const notFound = { '404': problem('No such directory, user or group (`not-found`).') };
const paging: Record<string, JsonSchema> = {
  startIndex: { type: 'integer', minimum: 1, default: 1 },
  count: { type: 'integer', minimum: 0 },
};
const search = queryParams({
  filter: { type: 'string', description: 'A SCIM filter (RFC 7644 §3.4.2.2).' },
  search: { type: 'string', description: 'Plain text matched against names, userName, emails (contains) and externalId (equals); combined with `filter` by `and`.' },
  ...paging,
  sortBy: { type: 'string' },
  sortOrder: { enum: ['ascending', 'descending'] },
});

/** Browsing a directory's users and groups (browse-routes.ts). */
export const BROWSE_SCHEMAS = routeSchemas({
  users: { summary: "Search a directory's users (summaries), a page at a time", params: directory, querystring: search, responses: { '200': ok('A SCIM ListResponse', ref('ListResponse')), ...notFound } },
  groups: { summary: "Search a directory's groups (without members), a page at a time", params: directory, querystring: search, responses: { '200': ok('A SCIM ListResponse', ref('ListResponse')), ...notFound } },
  user: { summary: "A user's full SCIM record", params: resource, responses: { '200': ok('The user', { type: 'object' }), ...notFound } },
  group: { summary: "A group's SCIM record without its members", params: resource, responses: { '200': ok('The group', { type: 'object' }), ...notFound } },
  members: {
    summary: "A group's user members, a page at a time",
    params: resource,
    querystring: queryParams(paging),
    responses: { '200': ok('A SCIM ListResponse of user summaries', ref('ListResponse')), ...notFound },
  },
  userHistory: { summary: "A user's events (its own and its group memberships), newest first", params: resource, responses: { '200': ok('The events', ref('History')), ...notFound } },
  groupHistory: { summary: "A group's events, newest first", params: resource, responses: { '200': ok('The events', ref('History')), ...notFound } },
});
