/**
 * The OpenAPI 3.1 description of /api/v1, written by hand next to the routes it describes; a
 * test checks that every registered route appears here, so the two cannot drift apart silently.
 */
import { AUDIT_TARGET_TYPES } from '../../store/store.js';
import { connectionOpenApi } from './connection-openapi.js';
import { eventOpenApi } from './event-openapi.js';
import { notificationOpenApi } from './notification-openapi.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const ok = (description: string, schema: object) => ({ description, content: json(schema) });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra });

const directoryParam = { name: 'directory', in: 'path', required: true, description: 'The directory id (`dir_…`) or name.', schema: { type: 'string' } };
const secretParam = { name: 'secret', in: 'path', required: true, description: 'The secret id (`sec_…`).', schema: { type: 'string' } };
const forceParam = {
  name: 'force',
  in: 'query',
  description: 'Revoke even the last active secret, which stops every client that uses it.',
  schema: { type: 'boolean', default: false },
};
const resourceParam = { name: 'id', in: 'path', required: true, description: 'The SCIM id of the user or group.', schema: { type: 'string' } };
const listParams = [
  { name: 'filter', in: 'query', description: 'A SCIM filter (RFC 7644 §3.4.2.2).', schema: { type: 'string' } },
  { name: 'search', in: 'query', description: 'Plain text matched against names, userName, emails (contains) and externalId (equals); combined with `filter` by `and`.', schema: { type: 'string' } },
  { name: 'startIndex', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
  { name: 'count', in: 'query', schema: { type: 'integer', minimum: 0 } },
  { name: 'sortBy', in: 'query', schema: { type: 'string' } },
  { name: 'sortOrder', in: 'query', schema: { enum: ['ascending', 'descending'] } },
];
const idleParam = { name: 'idleHours', in: 'query', description: 'A connected directory without a request for this long is idle (default 24).', schema: { type: 'number', exclusiveMinimum: 0 } };

/** The refusals every admin route may answer. */
const adminErrors = {
  '400': problem('The request is malformed: unknown field, wrong type, bad value.'),
  '401': problem('No admin secret, or one that is unknown, expired or revoked.'),
  '403': problem('A directory client secret was sent; admin routes need an admin secret.'),
  '429': problem('Too many failed authentications from this address; see Retry-After.'),
};
const notFound = { '404': problem('No such directory or secret.') };
const connections = connectionOpenApi({ ref, json, ok, problem, adminErrors });
const events = eventOpenApi({ ref, json, ok, problem, adminErrors });
const notifications = notificationOpenApi({ ref, json, ok, problem, adminErrors });
const secretBody = {
  required: false,
  content: json({
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', maxLength: 200, description: 'A label to recognise the secret by.' },
      expiresIn: { type: 'string', examples: ['90d', '1y', '12h', 'never'], description: "Lifetime; absent takes the directory's default (admin secrets: the server's)." },
    },
  }),
};

const settingsProperties = {
  maxActiveSecrets: { type: 'integer', minimum: 1, maximum: 10, description: 'Active secrets the directory may hold at once (default 2, as in Apple Business Manager).' },
  defaultSecretLifetime: { type: 'string', examples: ['365d', '90d', 'never'], description: 'Lifetime of new secrets (default: the server default, 365d).' },
  allowSelfRotation: { type: 'boolean', description: 'Whether the client may rotate its own secret through /self/secrets (default true).' },
  autoRevokeGraceHours: { ...nullable('number'), description: 'Revoke older secrets this many hours after a newer one carries traffic; null is off (default).' },
};

const secretProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  suffix: { type: 'string', description: 'The last characters of the secret.' },
  directoryId: nullable('string', { description: 'Null for admin secrets.' }),
  created: { type: 'string', format: 'date-time' },
  expiresAt: nullable('string', { format: 'date-time' }),
  revokedAt: nullable('string', { format: 'date-time' }),
  firstUsedAt: nullable('string', { format: 'date-time' }),
  lastUsedAt: nullable('string', { format: 'date-time' }),
  lastUsedIp: nullable('string'),
  lastUsedUserAgent: nullable('string'),
  state: { enum: ['active', 'expiring', 'expired', 'revoked'], description: '`expiring`: active, inside the warning window (60 days by default).' },
  daysLeft: nullable('integer'),
};

const directoryProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  created: { type: 'string', format: 'date-time' },
  scimUrl: { type: 'string', description: 'The SCIM base URL (tenant URL) the identity provider calls.' },
  settings: ref('Settings'),
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'scimd admin API',
    version: '1',
    description:
      'Directories, client secrets, admin secrets, connection status and the audit log of a scimd server. Every route needs ' +
      '`Authorization: Bearer <admin secret>` (or the console session cookie from POST /session) except `/self/*`, which a directory client secret calls to rotate itself, and this document. ' +
      'Errors are RFC 9457 problem details; `type` is `urn:scimd:problem:<name>` for refusals clients may branch on.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ adminSecret: [] }],
  paths: {
    '/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': { description: 'The OpenAPI 3.1 document' } } },
    },
    '/directories': {
      get: { summary: 'List directories', responses: { '200': ok('The directories', { type: 'object', properties: { directories: { type: 'array', items: ref('Directory') } } }), ...adminErrors } },
      post: {
        summary: 'Create a directory',
        requestBody: {
          required: true,
          content: json({ type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 200 }, settings: ref('SettingsPatch') } }),
        },
        responses: { '201': ok('The directory', ref('Directory')), '409': problem('The name is taken (`name-taken`).'), ...adminErrors },
      },
    },
    '/directories/{directory}': {
      parameters: [directoryParam],
      get: { summary: 'Get a directory with its counts', responses: { '200': ok('The directory', ref('DirectoryDetails')), ...notFound, ...adminErrors } },
      patch: {
        summary: 'Rename a directory',
        requestBody: { required: true, content: json({ type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' } } }) },
        responses: { '200': ok('The directory', ref('Directory')), '409': problem('The name is taken (`name-taken`).'), ...notFound, ...adminErrors },
      },
      delete: {
        summary: 'Delete a directory with its users, groups and secrets',
        parameters: [{ name: 'confirm', in: 'query', required: true, description: "The directory's name, repeated.", schema: { type: 'string' } }],
        responses: {
          '200': ok('What was deleted', { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } }),
          ...adminErrors,
          '400': problem('`confirm` is missing or not the name (`confirmation-required`); the detail says what would be lost.'),
          ...notFound,
        },
      },
    },
    '/directories/{directory}/settings': {
      parameters: [directoryParam],
      get: { summary: "A directory's settings", responses: { '200': ok('The settings in force', ref('Settings')), ...notFound, ...adminErrors } },
      patch: {
        summary: "Change a directory's settings",
        requestBody: { required: true, content: json(ref('SettingsPatch')) },
        responses: { '200': ok('The settings in force', ref('Settings')), ...notFound, ...adminErrors },
      },
    },
    '/directories/{directory}/secrets': {
      parameters: [directoryParam],
      get: { summary: "A directory's client secrets", responses: { '200': ok('The secrets', { type: 'object', properties: { secrets: { type: 'array', items: ref('Secret') } } }), ...notFound, ...adminErrors } },
      post: {
        summary: 'Create a client secret ("+ Client Secret"); the secret is in this response only',
        requestBody: secretBody,
        responses: {
          '201': ok('The secret, shown once', ref('CreatedSecret')),
          '409': problem('The directory holds as many active secrets as it allows (`active-secret-limit`).'),
          ...notFound,
          ...adminErrors,
        },
      },
    },
    '/directories/{directory}/secrets/{secret}': {
      parameters: [directoryParam, secretParam],
      delete: {
        summary: 'Revoke a client secret: requests with it are refused from the next one on',
        parameters: [forceParam],
        responses: {
          '200': ok('The revoked secret', ref('Secret')),
          '409': problem('Already revoked (`already-revoked`), or the last active secret without `force` (`last-active-secret`).'),
          ...notFound,
          ...adminErrors,
        },
      },
    },
    '/directories/{directory}/status': {
      parameters: [directoryParam],
      get: { summary: "A directory's connection status", parameters: [idleParam], responses: { '200': ok('The status', ref('DirectoryStatus')), ...notFound, ...adminErrors } },
    },
    '/secrets/{secret}': {
      parameters: [secretParam],
      get: { summary: 'A client secret by id', responses: { '200': ok('The secret', ref('Secret')), ...notFound, ...adminErrors } },
    },
    '/admin/secrets': {
      get: { summary: 'Admin secrets', responses: { '200': ok('The admin secrets', { type: 'object', properties: { secrets: { type: 'array', items: ref('Secret') } } }), ...adminErrors } },
      post: { summary: 'Create an admin secret; the secret is in this response only', requestBody: secretBody, responses: { '201': ok('The secret, shown once', ref('CreatedSecret')), ...adminErrors } },
    },
    '/admin/secrets/{secret}': {
      parameters: [secretParam],
      delete: {
        summary: 'Revoke an admin secret',
        parameters: [forceParam],
        responses: { '200': ok('The revoked secret', ref('Secret')), '409': problem('Already revoked, or the last active admin secret without `force`.'), ...notFound, ...adminErrors },
      },
    },
    '/status': {
      get: {
        summary: 'Every directory with its health and secrets, and every provisioning connection with its health, worst first',
        parameters: [idleParam],
        responses: { '200': ok('The status report', ref('StatusReport')), ...adminErrors },
      },
    },
    '/audit': {
      get: {
        summary: 'The audit log, newest first',
        parameters: [
          { name: 'directory', in: 'query', description: 'Only entries about this directory (id or name; a deleted one by id).', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          { name: 'before', in: 'query', description: 'The `next` of the previous page.', schema: { type: 'string' } },
        ],
        responses: { '200': ok('A page of entries', ref('AuditPage')), ...adminErrors },
      },
    },
    '/session': {
      post: {
        summary: 'Console sign-in: exchange an admin secret for a session cookie',
        description:
          'Sets `scimd_session` (HttpOnly, SameSite=Strict, Path=/, Secure over TLS). The cookie then authenticates every admin route in place of the bearer ' +
          'secret; unsafe methods must also send the `X-Scimd-Csrf` header with `csrfToken`, and are refused from another Origin. A session ends after 30 idle ' +
          'minutes, 12 hours after sign-in, on sign-out, or when its admin secret is revoked.',
        security: [],
        requestBody: { required: true, content: json({ type: 'object', required: ['secret'], additionalProperties: false, properties: { secret: { type: 'string' } } }) },
        responses: { '201': ok('The session; the cookie is in Set-Cookie', ref('Session')), ...adminErrors },
      },
      get: {
        summary: 'The current console session, with its CSRF token',
        security: [{ consoleSession: [] }],
        responses: { '200': ok('The session', ref('Session')), '401': problem('Not signed in, or the session has ended.') },
      },
      delete: {
        summary: 'Sign out: the session cookie stops working everywhere',
        security: [{ consoleSession: [] }],
        responses: { '204': { description: 'Signed out; the cookie is cleared' }, '401': problem('Not signed in.'), '403': problem('No or a wrong `X-Scimd-Csrf` header, or another Origin.') },
      },
    },
    '/directories/{directory}/users': {
      parameters: [directoryParam],
      get: { summary: "Search a directory's users (summaries), a page at a time", parameters: listParams, responses: { '200': ok('A SCIM ListResponse', ref('ListResponse')), ...notFound, ...adminErrors } },
    },
    '/directories/{directory}/users/{id}': {
      parameters: [directoryParam, resourceParam],
      get: { summary: "A user's full SCIM record", responses: { '200': ok('The user', { type: 'object' }), ...notFound, ...adminErrors } },
    },
    '/directories/{directory}/users/{id}/history': {
      parameters: [directoryParam, resourceParam],
      get: { summary: "A user's events (its own and its group memberships), newest first", responses: { '200': ok('The events', ref('History')), ...notFound, ...adminErrors } },
    },
    '/directories/{directory}/groups': {
      parameters: [directoryParam],
      get: { summary: "Search a directory's groups (without members), a page at a time", parameters: listParams, responses: { '200': ok('A SCIM ListResponse', ref('ListResponse')), ...notFound, ...adminErrors } },
    },
    '/directories/{directory}/groups/{id}': {
      parameters: [directoryParam, resourceParam],
      get: { summary: "A group's SCIM record without its members", responses: { '200': ok('The group', { type: 'object' }), ...notFound, ...adminErrors } },
    },
    '/directories/{directory}/groups/{id}/members': {
      parameters: [directoryParam, resourceParam],
      get: {
        summary: "A group's user members, a page at a time",
        parameters: listParams.filter((p) => p.name === 'startIndex' || p.name === 'count'),
        responses: { '200': ok('A SCIM ListResponse of user summaries', ref('ListResponse')), ...notFound, ...adminErrors },
      },
    },
    '/directories/{directory}/groups/{id}/history': {
      parameters: [directoryParam, resourceParam],
      get: { summary: "A group's events, newest first", responses: { '200': ok('The events', ref('History')), ...notFound, ...adminErrors } },
    },
    '/self/secrets': {
      post: {
        summary: "Rotate: a directory's client asks for a successor to the secret it calls with",
        description: "Authenticated by a current directory client secret itself (an OAuth access token is refused). The successor has the directory's default lifetime.",
        security: [{ directorySecret: [] }],
        requestBody: { required: false, content: json({ type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } }) },
        responses: {
          '201': ok('The successor, shown once', ref('CreatedSecret')),
          '401': problem('No valid directory client secret.'),
          '403': problem('The directory does not allow self-rotation (`self-rotation-disabled`), an access token was sent instead of the client secret (`client-secret-required`), or an admin secret was sent.'),
          '409': problem('At the active-secret limit and the caller is not the only active secret (`active-secret-limit`).'),
        },
      },
    },
    '/self/secret': {
      get: {
        summary: 'The secret the request is made with: its expiry and use (how a client learns when to rotate)',
        security: [{ directorySecret: [] }],
        responses: { '200': ok('The secret, without its value', ref('Secret')), '401': problem('No valid directory client secret.') },
      },
      delete: {
        summary: 'Retire the secret the request is made with, once its successor has carried a request',
        security: [{ directorySecret: [] }],
        responses: {
          '200': ok('The revoked secret', ref('Secret')),
          '401': problem('No valid directory client secret.'),
          '403': problem('An access token was sent instead of the client secret itself (`client-secret-required`).'),
          '409': problem('No other active secret has been used yet (`successor-not-used`).'),
        },
      },
    },
    ...connections.paths,
    ...events.paths,
    ...notifications.paths,
  },
  components: {
    securitySchemes: {
      adminSecret: { type: 'http', scheme: 'bearer', description: 'An admin secret (scimd admin token create, or SCIMD_ADMIN_SECRET).' },
      directorySecret: { type: 'http', scheme: 'bearer', description: 'A directory client secret, or an access token from /oauth/token.' },
      consoleSession: { type: 'apiKey', in: 'cookie', name: 'scimd_session', description: 'The console session from POST /session; unsafe methods also need the X-Scimd-Csrf header.' },
    },
    schemas: {
      ...connections.schemas,
      ...events.schemas,
      ...notifications.schemas,
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
      },
      Settings: { type: 'object', properties: settingsProperties },
      SettingsPatch: {
        type: 'object',
        additionalProperties: false,
        description: 'Fields to change; null puts a setting back to its default.',
        properties: Object.fromEntries(Object.entries(settingsProperties).map(([key, schema]) => [key, { ...schema, type: [...new Set([schema.type, 'null'].flat())] }])),
      },
      Directory: { type: 'object', properties: directoryProperties },
      DirectoryDetails: {
        type: 'object',
        properties: { ...directoryProperties, users: { type: 'integer' }, groups: { type: 'integer' }, activeSecrets: { type: 'integer' } },
      },
      Secret: { type: 'object', properties: secretProperties },
      CreatedSecret: { type: 'object', properties: { ...secretProperties, secret: { type: 'string', description: 'The secret itself, shown only in this response.' } } },
      DirectoryStatus: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          health: { enum: ['rejecting', 'no_active_secret', 'expiring', 'idle', 'not_connected', 'healthy'] },
          summary: { type: 'string' },
          attention: { type: 'boolean', description: 'Needs an admin now: rejecting, an active secret expiring, or no active secret after being connected.' },
          connected: { type: 'boolean' },
          firstRequestAt: nullable('string', { format: 'date-time' }),
          lastRequestAt: nullable('string', { format: 'date-time' }),
          lastClientIp: nullable('string'),
          lastUserAgent: nullable('string'),
          requestCount: { type: 'integer' },
          errorCount: { type: 'integer' },
          rejectedCount: { type: 'integer' },
          lastRejectedAt: nullable('string', { format: 'date-time' }),
          lastRejectedSecretId: nullable('string'),
          lastRejectedReason: nullable('string'),
          nextExpiry: nullable('string', { format: 'date-time' }),
          secrets: { type: 'array', items: ref('Secret') },
        },
      },
      StatusReport: {
        type: 'object',
        properties: {
          generatedAt: { type: 'string', format: 'date-time' },
          warningWindowDays: { type: 'integer' },
          idleHours: { type: 'number' },
          attention: { type: 'boolean' },
          directories: { type: 'array', items: ref('DirectoryStatus') },
          adminSecrets: { type: 'array', items: ref('Secret') },
          failingNotifications: { type: 'array', description: 'Notification recipients whose channel fails (they count as needing attention).', items: ref('NotificationRecipient') },
          connections: {
            type: 'array',
            description: 'Provisioning connections, worst first.',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                name: { type: 'string' },
                target: { type: 'string' },
                health: { type: 'string', enum: ['quarantined', 'credential_expired', 'failing', 'credential_expiring', 'never_run', 'healthy'] },
                summary: { type: 'string' },
                attention: { type: 'boolean' },
                quarantine: { type: ['object', 'null'] },
                credentialExpiresAt: { type: ['string', 'null'], format: 'date-time' },
                credentialDaysLeft: { type: ['integer', 'null'] },
                lastCycle: { type: ['object', 'null'] },
              },
            },
          },
        },
      },
      AuditEntry: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
          actor: { type: 'string', description: 'An admin secret id, a directory secret id (self-rotation), `cli:<os user>` or `system:…`.' },
          actorName: nullable('string', { description: "The acting secret's name and last four (an admin secret, or a directory secret that rotated itself); null for `cli:…` and `system:…` actors." }),
          actorIp: nullable('string'),
          action: { type: 'string', examples: ['directory.created', 'secret.revoked'] },
          targetType: { enum: [...AUDIT_TARGET_TYPES] },
          targetId: { type: 'string' },
          targetName: nullable('string', {
            description: "The target as people knew it when the entry was written: a directory's name, a secret's name and last four, a connection's name, a webhook's receiver host or a notification recipient. Null when an old entry kept no name.",
          }),
          directoryId: nullable('string'),
          detail: { type: 'object' },
        },
      },
      Session: {
        type: 'object',
        properties: {
          adminSecret: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, suffix: { type: 'string' } } },
          csrfToken: { type: 'string', description: 'Send as X-Scimd-Csrf on unsafe requests made with the cookie.' },
          signedInAt: { type: 'string', format: 'date-time' },
          idleExpiresAt: { type: 'string', format: 'date-time', description: 'Moves forward while the session is used.' },
          expiresAt: { type: 'string', format: 'date-time', description: 'The absolute end.' },
          idleTimeoutSeconds: { type: 'integer' },
        },
      },
      ListResponse: {
        type: 'object',
        properties: { schemas: { type: 'array', items: { type: 'string' } }, totalResults: { type: 'integer' }, startIndex: { type: 'integer' }, itemsPerPage: { type: 'integer' }, Resources: { type: 'array', items: { type: 'object' } } },
      },
      History: {
        type: 'object',
        properties: {
          events: { type: 'array', items: { type: 'object', description: 'Events as the event log stores them: id, sequence, occurredAt, type, subject, data.' } },
          window: { type: 'integer', description: "How many of the directory's latest events were searched." },
        },
      },
      AuditPage: {
        type: 'object',
        properties: { entries: { type: 'array', items: ref('AuditEntry') }, next: nullable('string') },
      },
    },
  },
};
