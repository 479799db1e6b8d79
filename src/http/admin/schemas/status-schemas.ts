import { DIRECTORY_PARAM, ok, pathParams, problem, queryParams, ref, routeSchemas } from '../route-schema.js';

const idle = queryParams({ idleHours: { type: 'number', exclusiveMinimum: 0, description: 'A connected directory without a request for this long is idle (default 24).' } });

/** Status and the audit log (status-routes.ts). */
export const STATUS_SCHEMAS = routeSchemas({
  status: {
    summary: 'Every directory with its health and secrets, and every provisioning connection with its health, worst first',
    querystring: idle,
    responses: { '200': ok('The status report', ref('StatusReport')) },
  },
  directory: {
    summary: "A directory's connection status",
    params: pathParams({ directory: DIRECTORY_PARAM }),
    querystring: idle,
    responses: { '200': ok('The status', ref('DirectoryStatus')), '404': problem('No such directory (`not-found`).') },
  },
  audit: {
    summary: 'The audit log, newest first',
    querystring: queryParams({
      directory: { type: 'string', description: 'Only entries about this directory (id or name; a deleted one by id).' },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      before: { type: 'string', description: 'The `next` of the previous page.' },
    }),
    responses: { '200': ok('A page of entries', ref('AuditPage')) },
  },
});
