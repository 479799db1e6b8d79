import {
  CONNECTION_HEALTH,
  SOURCE_ENCODINGS,
  type AnyConnectionView,
  type ConnectionHealth,
  type ConnectionView,
  type DirectorySourceView,
  type FileSourceView,
  type LdapSourceView,
  type Scoping,
  type ScimSourceView,
  type CycleOutcome,
  type CycleRecord,
  type LogEntry,
  type Quarantine,
  type TargetProfile,
  type TestReport,
} from '../../../admin/api-views.js';
import type { OnDemandReport } from '../../../provisioning/engine/provision-on-demand.js';
import { dateTime, nullable, nullableDateTime, ref, type JsonSchema } from '../route-schema.js';
import { view } from './view-schema.js';

const nullableObject = (description?: string, extra: JsonSchema = {}): JsonSchema => ({ type: ['object', 'null'], ...(description ? { description } : {}), ...extra });

/** Closed: a view of a source never carries its secret, nor a field the document does not name. */
const CLOSED: JsonSchema = { additionalProperties: false };
const path = (description: string): JsonSchema => ({ type: 'string', description });

/** A source per kind, told apart by `kind` (src/admin/api-views/source-views.ts). */
const SOURCE_SCHEMAS: Record<string, JsonSchema> = {
  FileSource: view<FileSourceView>()(
    {
      kind: { const: 'file' },
      users: path('The users file (CSV or JSON), an absolute path.'),
      groups: path('The groups file.'),
      memberships: path('The memberships file.'),
      userKey: { type: 'string', description: 'The column that identifies a user across cycles; found automatically when absent.' },
      groupKey: { type: 'string' },
      encoding: { enum: [...SOURCE_ENCODINGS], description: 'How files without a byte-order mark are encoded (UTF-8 when absent).' },
    },
    ['groups', 'memberships', 'userKey', 'groupKey', 'encoding'],
    CLOSED,
  ),
  LdapSource: view<LdapSourceView>()(
    {
      kind: { const: 'ldap' },
      url: { type: 'string', description: '`ldap://host:port` or `ldaps://host:port`.' },
      bindDn: { type: 'string' },
      baseDn: { type: 'string', description: 'Where users and groups are searched (subtree).' },
      userFilter: { type: 'string', description: 'An LDAP filter (RFC 4515).' },
      groupFilter: { type: 'string' },
      keyAttributes: { type: 'array', items: { type: 'string' }, description: "Tried in order for each object's stable key; the DN when none is present." },
      pageSize: { type: 'integer', minimum: 1, maximum: 10_000 },
      incremental: { type: 'boolean', description: 'Read only entries changed since the last cycle, where the server gives modifyTimestamp.' },
      caCertificate: { type: 'string', description: "PEM certificates the server's certificate must chain to." },
      startTls: { type: 'boolean' },
    },
    ['caCertificate', 'startTls'],
    { ...CLOSED, description: 'The bind password is stored encrypted and never shown.' },
  ),
  ScimSource: view<ScimSourceView>()(
    { kind: { const: 'scim' }, url: { type: 'string', format: 'uri', description: 'The base URL (`https://host/scim/v2`).' }, pageSize: { type: 'integer', minimum: 1, maximum: 10_000 } },
    ['pageSize'],
    { ...CLOSED, description: 'The bearer secret is stored encrypted and never shown.' },
  ),
  DirectorySource: view<DirectorySourceView>()({ kind: { const: 'directory' }, directory: { type: 'string', description: "The directory's id or name, as given." } }, [], CLOSED),
};

const filter = (type: string): JsonSchema => ({ type: 'string', description: `A SCIM filter over source attributes; absent: every ${type} is in scope.`, examples: ['department eq "Sales"'] });

const settingsSchema = view<ConnectionView['settings']>()(
  {
    concurrency: { type: 'integer', minimum: 1, description: 'Most requests in flight to the target.' },
    ratePerSecond: { type: 'number', minimum: 0, description: 'Most requests started per second; 0: no limit.' },
    timeoutSeconds: { type: 'number' },
    deleteAfter: { type: 'string', description: 'After a source deletion: `0` deletes at once, a duration such as `30d` disables first, `never` only disables.' },
    deletionThreshold: { type: 'string', description: 'The most disables and deletions one cycle may make: `500`, `10%` or `off`.' },
    adopt: { type: 'boolean', description: 'Take over target objects that match but were not created by this connection.' },
    groups: { type: 'boolean', description: 'Provision groups and memberships.' },
    schedule: { type: 'string', description: 'A duration (`40min`), `continuous` or `off`.' },
    wireFormat: { enum: ['scim', 'entra-legacy'] },
    membersPerRequest: { type: 'integer', minimum: 1 },
    fullSyncEvery: { type: 'string', description: 'How often a scheduled cycle is a full reconcile: a duration, or `off`.' },
  },
  ['schedule', 'wireFormat', 'membersPerRequest', 'fullSyncEvery'],
  CLOSED,
);

/** The schemas of provisioning connections, their cycles, logs and reports. */
export const CONNECTION_VIEW_SCHEMAS: Record<string, JsonSchema> = {
  ...SOURCE_SCHEMAS,
  Connection: view<AnyConnectionView>()(
    {
      id: { type: 'string' },
      name: { type: 'string' },
      source: { oneOf: ['FileSource', 'LdapSource', 'ScimSource', 'DirectorySource'].map(ref), description: 'The source without its secret.' },
      target: { type: 'string' },
      credential: { type: 'object', required: ['kind', 'expiresAt'], properties: { kind: { enum: ['bearer', 'oauth'] }, expiresAt: nullableDateTime } },
      mappings: { description: '`{"users": [...], "groups": [...]}`, or "default".' },
      scoping: view<Scoping>()({ users: filter('user'), groups: filter('group') }, ['users', 'groups'], CLOSED),
      settings: settingsSchema,
      created: dateTime,
      updated: dateTime,
      quarantine: { oneOf: [ref('Quarantine'), { type: 'null' }] },
      allowDeletes: { type: 'boolean' },
      credentialState: nullableObject('Where the expiry came from, warnings given, the last rotation or rotation error.'),
      targetProfile: { oneOf: [ref('TargetProfile'), { type: 'null' }] },
      lastCycle: { oneOf: [ref('Cycle'), { type: 'null' }], description: 'In the list only.' },
      escrowNextRetry: nullableDateTime,
      managed: { type: 'object', description: 'One connection only: the users and groups it manages, and how many are failing.' },
      escrow: { type: 'object', description: 'One connection only: objects waiting for a retry.' },
      cycles: { type: 'array', items: ref('Cycle'), description: 'One connection only: the latest cycles.' },
    },
    ['lastCycle', 'escrowNextRetry', 'managed', 'escrow', 'cycles'],
    { description: 'Never carries a secret.' },
  ),
  Quarantine: view<Quarantine>()({ reason: { enum: ['credentials', 'failures'] }, detail: { type: 'string' }, since: dateTime }),
  TargetProfile: view<TargetProfile>()(
    {
      probedAt: dateTime,
      keepsMembersOnPost: nullable('boolean', { description: 'Whether a group POST keeps the members it carries.' }),
      showsMembersOnGet: nullable('boolean', { description: 'Whether a GET of a group lists its members.' }),
      largestAcceptedBatch: nullable('integer', { description: 'The largest member batch the target accepted in one PATCH.' }),
      refusedBatch: nullable('integer', { description: 'The smallest member batch it refused (400 or 413).' }),
      note: nullable('string', { description: 'What the probe could not find out, in plain words.' }),
      lastFullSyncAt: nullableDateTime,
    },
    ['probedAt', 'keepsMembersOnPost', 'showsMembersOnGet', 'largestAcceptedBatch', 'refusedBatch', 'note', 'lastFullSyncAt'],
    { description: 'How the target treats groups, learned by Test Connection (a probe group, deleted again) and by cycles.' },
  ),
  Cycle: view<CycleRecord>()({
    id: { type: 'string' },
    connectionId: { type: 'string' },
    startedAt: dateTime,
    finishedAt: nullableDateTime,
    dryRun: { type: 'boolean' },
    status: { enum: ['running', 'completed', 'stopped', 'failed', 'interrupted'] },
    summary: nullableObject('created, updated, disabled, deleted, unchanged, failed, durationMs, requests, retries'),
    message: nullable('string'),
  }),
  CycleResult: view<CycleOutcome>()(
    { cycle: ref('Cycle'), summary: { type: 'object' }, quarantine: ref('Quarantine'), plan: { type: 'object', description: 'Dry runs and cycles the deletion threshold stopped: the steps planned.' } },
    ['quarantine', 'plan'],
  ),
  LogEntry: view<LogEntry>()(
    {
      seq: { type: 'integer' },
      cycleId: { type: 'string' },
      at: dateTime,
      type: { enum: ['User', 'Group'] },
      key: { type: 'string' },
      origin: nullable('string', { description: 'Where the source has the object, as an admin knows it (an LDAP DN, a CSV line); null once it left the source.' }),
      targetId: nullable('string'),
      action: { type: 'string' },
      result: { enum: ['planned', 'success', 'failure', 'skipped'] },
      status: nullable('integer'),
      detail: nullable('string'),
      changes: {},
    },
    ['seq', 'origin'],
  ),
  TestReport: view<TestReport>()(
    {
      ok: { type: 'boolean' },
      target: { type: 'string' },
      source: { type: 'string' },
      steps: {
        type: 'array',
        items: {
          type: 'object',
          required: ['side', 'step', 'status', 'detail'],
          properties: {
            side: { enum: ['source', 'target'], description: 'Whether the step checked the source or the target; source steps come first.' },
            step: { type: 'string' },
            status: { enum: ['ok', 'warning', 'failed', 'skipped'] },
            detail: { type: 'string' },
          },
        },
      },
      targetProfile: ref('TargetProfile'),
    },
    ['source', 'targetProfile'],
  ),
  OnDemandReport: view<OnDemandReport>()(
    {
      ok: { type: 'boolean' },
      user: { type: 'string' },
      group: { type: 'string' },
      cycleId: nullable('string'),
      steps: { type: 'array', items: { type: 'object', required: ['step', 'status', 'detail'], properties: { step: { type: 'string' }, status: { type: 'string' }, detail: { type: 'string' }, data: {} } } },
    },
    ['group'],
  ),
  ConnectionHealth: view<ConnectionHealth>()({
    id: { type: 'string' },
    name: { type: 'string' },
    target: { type: 'string' },
    health: { enum: [...CONNECTION_HEALTH] },
    summary: { type: 'string' },
    attention: { type: 'boolean' },
    quarantine: { oneOf: [ref('Quarantine'), { type: 'null' }] },
    credentialExpiresAt: nullableDateTime,
    credentialDaysLeft: nullable('integer'),
    lastCycle: nullableObject(),
  }),
};
