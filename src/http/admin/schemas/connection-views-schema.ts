import {
  CONNECTION_HEALTH,
  type AnyConnectionView,
  type ConnectionHealth,
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

/** The schemas of provisioning connections, their cycles, logs and reports. */
export const CONNECTION_VIEW_SCHEMAS: Record<string, JsonSchema> = {
  Connection: view<AnyConnectionView>()(
    {
      id: { type: 'string' },
      name: { type: 'string' },
      source: { type: 'object', description: 'The source without its secret.' },
      target: { type: 'string' },
      credential: { type: 'object', required: ['kind', 'expiresAt'], properties: { kind: { enum: ['bearer', 'oauth'] }, expiresAt: nullableDateTime } },
      mappings: { description: '`{"users": [...], "groups": [...]}`, or "default".' },
      scoping: { type: 'object' },
      settings: { type: 'object' },
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
