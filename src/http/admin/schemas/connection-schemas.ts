import { type JsonSchema, listOf, objectBody, ok, pathParams, problem, queryParams, ref, routeSchemas } from '../route-schema.js';

const connection = pathParams({ connection: { type: 'string', description: 'The connection id (`conn_…`) or name.' } });
const notFound = { '404': problem('No such connection (`not-found`).') };
const busy = { '409': problem('A cycle of this connection is already running, here or on another replica (`cycle-running`).') };
/** Text options, as the CLI has them; numbers are accepted as JSON numbers too. */
const text: JsonSchema = { type: ['string', 'number'] };

/** What a connection's source, target, mappings, scoping, schedule and settings take; create and update alike. */
export const CONNECTION_SETTING_FIELDS: Record<string, JsonSchema> = {
  source: { type: 'string', description: '`file:users.csv`, `ldap://…`, `scim+https://…` or `directory:<id>`; the source is read and checked before the connection is saved.' },
  sourceSecret: { type: 'string', writeOnly: true, description: 'LDAP: the bind password; SCIM source: its bearer secret. Stored encrypted, never returned.' },
  bindDn: { type: 'string', description: 'LDAP: the account to read with.' },
  baseDn: { type: 'string', description: 'LDAP: where users and groups are searched (or the path of the ldap:// URL).' },
  userFilter: { type: 'string', description: 'LDAP: which entries are users.' },
  groupFilter: { type: 'string', description: 'LDAP: which entries are groups.' },
  sourceKey: { type: 'string', description: 'LDAP: the attribute that identifies an entry across cycles (default entryUUID, then objectGUID).' },
  pageSize: { ...text, description: 'LDAP and SCIM sources: entries per page read (default 500).' },
  incremental: { type: 'boolean', description: 'LDAP: read only entries changed since the last cycle where the server allows (default true).' },
  sourceCa: { type: 'string', description: "LDAP: PEM text of the CA certificate(s) the directory's certificate must chain to, for ldaps:// or StartTLS with a private CA; \"\" removes it. The CLI reads it from --source-ca-file." },
  sourceStartTls: { type: 'boolean', description: 'LDAP: upgrade an ldap:// connection with StartTLS before binding (default false).' },
  sourceEncoding: { type: 'string', examples: ['utf-8', 'utf-16le', 'windows-1252', 'latin1'], description: 'Files: their encoding when they start with no byte-order mark (default utf-8; a UTF-8 or UTF-16 byte-order mark is always honoured).' },
  groups: { type: 'string', description: 'Groups: a CSV or JSON file on the server.' },
  memberships: { type: 'string', description: 'Memberships: a CSV with the columns group,member, on the server.' },
  userKey: { type: 'string' },
  groupKey: { type: 'string' },
  target: { type: 'string', description: 'The SCIM base URL (tenant URL) of the app.' },
  mappings: { description: '`{"users": [...], "groups": [...]}`, or "default".' },
  scopeUsers: { type: 'string', description: 'A SCIM filter over source attributes; "" for everyone.' },
  scopeGroups: { type: 'string' },
  schedule: { type: 'string', examples: ['40min', '1h', 'continuous', 'off'], description: 'How often `scimd serve` runs a cycle (default off: the connection runs only when asked until a schedule is set).' },
  wireFormat: { type: 'string', examples: ['scim', 'entra-legacy'], description: "How updates are sent: RFC 7644 PATCH (default), or Entra's legacy format (capitalised ops, \"True\"/\"False\" booleans). A target whose ServiceProviderConfig says patch.supported false gets PUT of the whole object either way." },
  membersPerRequest: { ...text, examples: ['100'], description: 'Most group members added or removed in one request (1-1000; default 100). A batch the target refuses for its size is halved and the size it takes remembered.' },
  fullSyncEvery: { type: 'string', examples: ['24h', '7d', 'off'], description: 'How often a scheduled cycle is a full reconcile that re-reads the target and repairs drift (default off).' },
  concurrency: text,
  rate: text,
  timeout: text,
  deleteAfter: { ...text, examples: ['30d', '0', 'never'] },
  deletionThreshold: { ...text, examples: ['500', '10%', 'off'] },
  adopt: { type: 'boolean' },
  syncGroups: { type: 'boolean' },
};

/** The target credential: accepted in a body, never returned. */
export const CONNECTION_CREDENTIAL_FIELDS: Record<string, JsonSchema> = {
  secret: { type: 'string', writeOnly: true, description: 'The target secret token; stored encrypted, never returned.' },
  secretExpires: { type: 'string', examples: ['2027-03-31', '365d', 'never'] },
  tokenUrl: { type: 'string' },
  clientId: { type: 'string' },
  clientSecret: { type: 'string', writeOnly: true },
  oauthScope: { type: 'string' },
};

const FULL_RECONCILE = {
  type: 'boolean',
  description: "Full reconcile (Entra's \"Restart provisioning\"): read every managed object back from the target (members too where it shows them) and repair every difference.",
};
const cycleResult = ok('The cycle, its summary, and the plan for dry runs and cycles the deletion threshold stopped', ref('CycleResult'));
const withCheck = ok('The connection and what its source holds', { type: 'object', required: ['connection', 'check'], properties: { connection: ref('Connection'), check: { type: 'object' } } });

/** Provisioning connections (connection-routes.ts); see docs/provisioning.md. */
export const CONNECTION_SCHEMAS = routeSchemas({
  list: { summary: 'List provisioning connections', responses: { '200': ok('The connections', listOf('connections', 'Connection')) } },
  create: {
    summary: 'Create a connection: source, target, credential, mappings, scoping, schedule, settings',
    body: objectBody({ name: { type: 'string' }, ...CONNECTION_SETTING_FIELDS, ...CONNECTION_CREDENTIAL_FIELDS }, ['name', 'source', 'target']),
    responses: { '201': withCheck, '409': problem('The name is taken.') },
  },
  get: { summary: 'A connection with what it manages, its escrow and recent cycles', params: connection, responses: { '200': ok('The connection', ref('Connection')), ...notFound } },
  update: {
    summary: 'Change source, target, mappings, scoping, schedule or settings (not the credential)',
    params: connection,
    body: objectBody(CONNECTION_SETTING_FIELDS),
    responses: { '200': withCheck, ...notFound },
  },
  delete: {
    summary: 'Delete a connection with its state and log; nothing is removed from the target',
    params: connection,
    responses: { '200': ok('Its id and name', { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } }), ...notFound },
  },
  test: { summary: 'Test Connection: each step in plain words; a passing test clears a quarantine', params: connection, responses: { '200': ok('The report (ok false when a step failed)', ref('TestReport')), ...notFound } },
  setSecret: {
    summary: 'Update Credentials: a new secret (or OAuth client) and its expiry',
    params: connection,
    body: objectBody(CONNECTION_CREDENTIAL_FIELDS),
    responses: { '200': ok('The connection, without the secret', ref('Connection')), ...notFound },
  },
  run: {
    summary: 'Run a cycle now and wait for it',
    params: connection,
    body: objectBody({ allowDeletes: { type: 'boolean', description: 'Pass the deletion threshold in this cycle.' }, full: FULL_RECONCILE }, [], { optional: true }),
    responses: { '200': cycleResult, ...busy, ...notFound },
  },
  dryRun: {
    summary: 'Plan a cycle without sending changes; the plan is returned and stored in the log',
    params: connection,
    body: objectBody({ full: FULL_RECONCILE }, [], { optional: true }),
    responses: { '200': cycleResult, ...busy, ...notFound },
  },
  cycles: {
    summary: 'Recent cycles with their counts, newest first',
    params: connection,
    querystring: queryParams({ limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } }),
    responses: { '200': ok('The cycles', listOf('cycles', 'Cycle')), ...notFound },
  },
  logs: {
    summary: 'The provisioning log: what each cycle did or planned per object',
    params: connection,
    querystring: queryParams({
      cycle: { type: 'string', description: 'A cycle id, or `last`.' },
      object: { type: 'string', description: "A source object's key." },
      action: { type: 'string', examples: ['create', 'update', 'disable', 'delete', 'add-members'] },
      result: { enum: ['planned', 'success', 'failure', 'skipped'] },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      before: { type: 'integer', minimum: 1, description: 'The `next` of the previous page: older lines.' },
    }),
    responses: {
      '200': ok('A page of log lines, oldest first', { type: 'object', required: ['entries'], properties: { entries: { type: 'array', items: ref('LogEntry') }, next: { type: 'integer', description: 'Absent on the last page.' } } }),
      ...notFound,
    },
  },
  allowDeletions: { summary: "Entra's Allow deletes: the next cycle may pass the deletion threshold, once", params: connection, responses: { '200': ok('The connection', ref('Connection')), ...notFound } },
  clearQuarantine: { summary: 'Clear the quarantine: scheduled cycles resume their schedule', params: connection, responses: { '200': ok('The connection', ref('Connection')), ...notFound } },
  provision: {
    summary: 'Provision on demand: one user, or one group with up to five of its members, now, with a step-by-step report',
    params: connection,
    body: objectBody({
      user: { type: 'string', description: "The user's source key (give user or group)." },
      group: { type: 'string', description: "The group's source key: the group, the members named, and their memberships are provisioned; nothing is removed." },
      members: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'string' }, description: 'With group: which of its members (source keys), at most 5; left out, all of them when the group has no more than 5.' },
    }),
    responses: { '200': ok('The report', ref('OnDemandReport')), ...busy, ...notFound },
  },
});
