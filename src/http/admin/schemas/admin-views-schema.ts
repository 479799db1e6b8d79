import {
  AUDIT_TARGET_TYPES,
  HEALTH_ORDER,
  type AuditEntryView,
  type AuditPage,
  type CreatedSecret,
  type DirectoryDetails,
  type DirectoryStatus,
  type DirectoryView,
  type SecretView,
  type SessionView,
  type SettingsPatch,
  type SettingsView,
  type RejectedAdminSecret,
  type StatusReport,
} from '../../../admin/api-views.js';
import { dateTime, nullable, nullableDateTime, ref, type JsonSchema } from '../route-schema.js';
import { view } from './view-schema.js';

/** The schemas of directories, secrets, status, audit and the console session (src/admin/api-views.ts). */

const settingsProperties = {
  maxActiveSecrets: { type: 'integer', minimum: 1, maximum: 10, description: 'Active secrets the directory may hold at once (default 2, as in Apple Business Manager).' },
  defaultSecretLifetime: { type: 'string', examples: ['365d', '90d', 'never'], description: 'Lifetime of new secrets (default: the server default, 365d).' },
  allowSelfRotation: { type: 'boolean', description: 'Whether the client may rotate its own secret through /self/secrets (default true).' },
  autoRevokeGraceHours: nullable('number', { description: 'Revoke older secrets this many hours after a newer one carries traffic; null is off (default).' }),
};

/** A settings change, as a body (it is validated) and as a component. */
const orNull = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [...new Set([schema.type, 'null'].flat())] });
export const SETTINGS_PATCH: JsonSchema = view<SettingsPatch>()(
  {
    maxActiveSecrets: orNull(settingsProperties.maxActiveSecrets),
    defaultSecretLifetime: orNull(settingsProperties.defaultSecretLifetime),
    allowSelfRotation: orNull(settingsProperties.allowSelfRotation),
    autoRevokeGraceHours: orNull(settingsProperties.autoRevokeGraceHours),
  },
  ['maxActiveSecrets', 'defaultSecretLifetime', 'allowSelfRotation', 'autoRevokeGraceHours'],
  { additionalProperties: false, description: 'Fields to change; null puts a setting back to its default.' },
);

const secretProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  suffix: { type: 'string', description: 'The last characters of the secret.' },
  directoryId: nullable('string', { description: 'Null for admin secrets.' }),
  created: dateTime,
  expiresAt: nullableDateTime,
  revokedAt: nullableDateTime,
  firstUsedAt: nullableDateTime,
  lastUsedAt: nullableDateTime,
  lastUsedIp: nullable('string'),
  lastUsedUserAgent: nullable('string'),
  state: { enum: ['active', 'expiring', 'expired', 'revoked'], description: '`expiring`: active, inside the warning window (60 days by default).' },
  daysLeft: nullable('integer'),
};

const directoryProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  created: dateTime,
  scimUrl: { type: 'string', description: 'The SCIM base URL (tenant URL) the identity provider calls.' },
  settings: ref('Settings'),
};

export const ADMIN_VIEW_SCHEMAS: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
  },
  Settings: view<SettingsView>()(settingsProperties),
  SettingsPatch: SETTINGS_PATCH,
  Directory: view<DirectoryView>()(directoryProperties),
  DirectoryDetails: view<DirectoryDetails>()({ ...directoryProperties, users: { type: 'integer' }, groups: { type: 'integer' }, activeSecrets: { type: 'integer' } }),
  Secret: view<SecretView>()(secretProperties),
  CreatedSecret: view<CreatedSecret>()({ ...secretProperties, secret: { type: 'string', description: 'The secret itself, shown only in this response.' } }),
  DirectoryStatus: view<DirectoryStatus>()({
    id: { type: 'string' },
    name: { type: 'string' },
    health: { enum: [...HEALTH_ORDER] },
    summary: { type: 'string' },
    attention: { type: 'boolean', description: 'Needs an admin now: rejecting, an active secret expiring, or no active secret after being connected.' },
    connected: { type: 'boolean' },
    firstRequestAt: nullableDateTime,
    lastRequestAt: nullableDateTime,
    lastClientIp: nullable('string'),
    lastUserAgent: nullable('string'),
    requestCount: { type: 'integer' },
    errorCount: { type: 'integer' },
    rejectedCount: { type: 'integer' },
    lastRejectedAt: nullableDateTime,
    lastRejectedSecretId: nullable('string'),
    lastRejectedReason: nullable('string'),
    nextExpiry: nullableDateTime,
    secrets: { type: 'array', items: ref('Secret') },
  }),
  StatusReport: view<StatusReport>()(
    {
      generatedAt: dateTime,
      warningWindowDays: { type: 'integer' },
      idleHours: { type: 'number' },
      attention: { type: 'boolean' },
      directories: { type: 'array', items: ref('DirectoryStatus') },
      adminSecrets: { type: 'array', items: ref('Secret') },
      rejectedAdminSecrets: {
        type: 'array',
        description: 'Expired or revoked admin secrets refused within the idle period (they count as needing attention).',
        items: view<RejectedAdminSecret>()({
          id: { type: 'string' },
          name: { type: 'string' },
          suffix: { type: 'string' },
          reason: { enum: ['expired', 'revoked'] },
          since: nullableDateTime,
          lastRejectedAt: { ...dateTime, description: 'Refusals are recorded at most hourly per secret: the latest attempt may be up to an hour later.' },
          clientIp: nullable('string'),
          userAgent: nullable('string'),
          via: nullable('string', { examples: ['admin_api', 'console_sign_in', 'console_session'] }),
        }),
      },
      failingNotifications: { type: 'array', description: 'Notification recipients whose channel fails (they count as needing attention).', items: ref('NotificationRecipient') },
      connections: { type: 'array', description: 'Provisioning connections, worst first.', items: ref('ConnectionHealth') },
    },
    ['failingNotifications', 'connections'],
  ),
  AuditEntry: view<AuditEntryView>()({
    id: { type: 'string' },
    at: dateTime,
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
  }),
  AuditPage: view<AuditPage>()({ entries: { type: 'array', items: ref('AuditEntry') }, next: nullable('string') }),
  Session: view<SessionView>()({
    adminSecret: { type: 'object', required: ['id', 'name', 'suffix'], properties: { id: { type: 'string' }, name: { type: 'string' }, suffix: { type: 'string' } } },
    csrfToken: { type: 'string', description: 'Send as X-Scimd-Csrf on unsafe requests made with the cookie.' },
    signedInAt: dateTime,
    idleExpiresAt: { ...dateTime, description: 'Moves forward while the session is used.' },
    expiresAt: { ...dateTime, description: 'The absolute end.' },
    idleTimeoutSeconds: { type: 'integer' },
  }),
  ListResponse: {
    type: 'object',
    required: ['schemas', 'totalResults', 'Resources'],
    properties: { schemas: { type: 'array', items: { type: 'string' } }, totalResults: { type: 'integer' }, startIndex: { type: 'integer' }, itemsPerPage: { type: 'integer' }, Resources: { type: 'array', items: { type: 'object' } } },
  },
  History: {
    type: 'object',
    required: ['events', 'window'],
    properties: {
      events: { type: 'array', items: ref('Event') },
      window: { type: 'integer', description: "How many of the directory's latest events were searched." },
    },
  },
};
