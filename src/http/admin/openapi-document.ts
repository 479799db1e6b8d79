import { openApiDocument, type DescribedRoute } from './openapi-builder.js';
import { ADMIN_VIEW_SCHEMAS } from './schemas/admin-views-schema.js';
import { CONNECTION_VIEW_SCHEMAS } from './schemas/connection-views-schema.js';
import { EVENT_VIEW_SCHEMAS } from './schemas/event-views-schema.js';

const INFO = {
  title: 'scimd admin API',
  version: '1',
  description:
    'Directories, client secrets, admin secrets, connection status, provisioning connections, events, webhooks, notifications and the audit log of a scimd server. ' +
    'Every route needs `Authorization: Bearer <admin secret>` (or the console session cookie from POST /session) except `/self/*`, which a directory client secret ' +
    'calls to rotate itself, and this document. Request schemas are the ones the server validates with. Errors are RFC 9457 problem details; `type` is ' +
    '`urn:scimd:problem:<name>` for refusals clients may branch on.',
};

const SECURITY_SCHEMES = {
  adminSecret: { type: 'http', scheme: 'bearer', description: 'An admin secret (scimd admin token create, or SCIMD_ADMIN_SECRET).' },
  directorySecret: { type: 'http', scheme: 'bearer', description: 'A directory client secret, or an access token from /oauth/token.' },
  consoleSession: { type: 'apiKey', in: 'cookie', name: 'scimd_session', description: 'The console session from POST /session; unsafe methods also need the X-Scimd-Csrf header.' },
};

/** The views answers are made of, by name; response schemas refer to them. */
export const VIEW_SCHEMAS = { ...ADMIN_VIEW_SCHEMAS, ...EVENT_VIEW_SCHEMAS, ...CONNECTION_VIEW_SCHEMAS };

/** The OpenAPI 3.1 description of /api/v1, written from the schemas its routes validate with. */
export function adminOpenApiDocument(routes: readonly DescribedRoute[], prefix: string): object {
  return openApiDocument(routes, prefix, { info: INFO, components: { securitySchemes: SECURITY_SCHEMES, schemas: VIEW_SCHEMAS } });
}
