/** The builders openapi-document.ts describes its own routes with, handed over so both read alike. */
export interface OpenApiHelpers {
  ref(name: string): object;
  json(schema: object): object;
  ok(description: string, schema: object): object;
  problem(description: string): object;
  adminErrors: Record<string, object>;
}

/** The OpenAPI paths and schemas of /connections (the provisioning engine), merged into the document. */
export function connectionOpenApi(h: OpenApiHelpers): { paths: Record<string, object>; schemas: Record<string, object> } {
  const param = { name: 'connection', in: 'path', required: true, description: 'The connection id (`conn_…`) or name.', schema: { type: 'string' } };
  const notFound = { '404': h.problem('No such connection (`not-found`).') };
  const busy = { '409': h.problem('A cycle of this connection is already running, here or on another replica (`cycle-running`).') };
  const text = { type: ['string', 'number'] };
  const settingsFields = {
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
    wireFormat: { type: 'string', enum: ['scim', 'entra-legacy'], description: "How updates are sent: RFC 7644 PATCH (default), or Entra's legacy format (capitalised ops, \"True\"/\"False\" booleans). A target whose ServiceProviderConfig says patch.supported false gets PUT of the whole object either way." },
    membersPerRequest: { ...text, examples: ['100'], description: 'Most group members added or removed in one request (1-1000; default 100). A batch the target refuses for its size is halved and the size it takes remembered.' },
    fullSyncEvery: { type: 'string', examples: ['24h', '7d', 'off'], description: 'How often a scheduled cycle is a full reconcile that re-reads the target and repairs drift (default off).' },
    concurrency: text,
    rate: text,
    timeout: text,
    deleteAfter: { type: 'string', examples: ['30d', '0', 'never'] },
    deletionThreshold: { ...text, examples: ['500', '10%', 'off'] },
    adopt: { type: 'boolean' },
    syncGroups: { type: 'boolean' },
  };
  const credentialFields = {
    secret: { type: 'string', writeOnly: true, description: 'The target secret token; stored encrypted, never returned.' },
    secretExpires: { type: 'string', examples: ['2027-03-31', '365d', 'never'] },
    tokenUrl: { type: 'string' },
    clientId: { type: 'string' },
    clientSecret: { type: 'string', writeOnly: true },
    oauthScope: { type: 'string' },
  };
  const body = (properties: object, required: string[] = []) => ({ required: true, content: h.json({ type: 'object', additionalProperties: true, required, properties }) });
  const cycleResult = h.ok('The cycle, its summary, and the plan for dry runs and cycles the deletion threshold stopped', h.ref('CycleResult'));
  return {
    paths: {
      '/connections': {
        get: { summary: 'List provisioning connections', responses: { '200': h.ok('The connections', { type: 'object', properties: { connections: { type: 'array', items: h.ref('Connection') } } }), ...h.adminErrors } },
        post: {
          summary: 'Create a connection: source, target, credential, mappings, scoping, schedule, settings',
          requestBody: body({ name: { type: 'string' }, ...settingsFields, ...credentialFields }, ['name', 'source', 'target']),
          responses: { '201': h.ok('The connection and what its source holds', { type: 'object', properties: { connection: h.ref('Connection'), check: { type: 'object' } } }), '409': h.problem('The name is taken.'), ...h.adminErrors },
        },
      },
      '/connections/{connection}': {
        parameters: [param],
        get: { summary: 'A connection with what it manages, its escrow and recent cycles', responses: { '200': h.ok('The connection', h.ref('Connection')), ...notFound, ...h.adminErrors } },
        patch: { summary: 'Change source, target, mappings, scoping, schedule or settings (not the credential)', requestBody: body(settingsFields), responses: { '200': h.ok('The connection', { type: 'object' }), ...notFound, ...h.adminErrors } },
        delete: { summary: 'Delete a connection with its state and log; nothing is removed from the target', responses: { '200': h.ok('Its id and name', { type: 'object' }), ...notFound, ...h.adminErrors } },
      },
      '/connections/{connection}/test': {
        parameters: [param],
        post: { summary: 'Test Connection: each step in plain words; a passing test clears a quarantine', responses: { '200': h.ok('The report (ok false when a step failed)', h.ref('TestReport')), ...notFound, ...h.adminErrors } },
      },
      '/connections/{connection}/secret': {
        parameters: [param],
        put: { summary: 'Update Credentials: a new secret (or OAuth client) and its expiry', requestBody: body(credentialFields), responses: { '200': h.ok('The connection, without the secret', h.ref('Connection')), ...notFound, ...h.adminErrors } },
      },
      '/connections/{connection}/run': {
        parameters: [param],
        post: {
          summary: 'Run a cycle now and wait for it',
          requestBody: { required: false, content: h.json({ type: 'object', additionalProperties: false, properties: { allowDeletes: { type: 'boolean', description: 'Pass the deletion threshold in this cycle.' }, full: FULL_RECONCILE } }) },
          responses: { '200': cycleResult, ...busy, ...notFound, ...h.adminErrors },
        },
      },
      '/connections/{connection}/dry-run': {
        parameters: [param],
        post: {
          summary: 'Plan a cycle without sending changes; the plan is returned and stored in the log',
          requestBody: { required: false, content: h.json({ type: 'object', additionalProperties: false, properties: { full: FULL_RECONCILE } }) },
          responses: { '200': cycleResult, ...busy, ...notFound, ...h.adminErrors },
        },
      },
      '/connections/{connection}/cycles': {
        parameters: [param],
        get: {
          summary: 'Recent cycles with their counts, newest first',
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 20 } }],
          responses: { '200': h.ok('The cycles', { type: 'object', properties: { cycles: { type: 'array', items: h.ref('Cycle') } } }), ...notFound, ...h.adminErrors },
        },
      },
      '/connections/{connection}/logs': {
        parameters: [param],
        get: {
          summary: 'The provisioning log: what each cycle did or planned per object',
          parameters: [
            { name: 'cycle', in: 'query', description: 'A cycle id, or `last`.', schema: { type: 'string' } },
            { name: 'object', in: 'query', description: "A source object's key.", schema: { type: 'string' } },
            { name: 'action', in: 'query', schema: { type: 'string', examples: ['create', 'update', 'disable', 'delete', 'add-members'] } },
            { name: 'result', in: 'query', schema: { enum: ['planned', 'success', 'failure', 'skipped'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'before', in: 'query', description: 'The `next` of the previous page: older lines.', schema: { type: 'integer' } },
          ],
          responses: {
            '200': h.ok('A page of log lines, oldest first', { type: 'object', properties: { entries: { type: 'array', items: h.ref('LogEntry') }, next: { type: 'integer', description: 'Absent on the last page.' } } }),
            ...notFound,
            ...h.adminErrors,
          },
        },
      },
      '/connections/{connection}/allow-deletions': {
        parameters: [param],
        post: { summary: "Entra's Allow deletes: the next cycle may pass the deletion threshold, once", responses: { '200': h.ok('The connection', h.ref('Connection')), ...notFound, ...h.adminErrors } },
      },
      '/connections/{connection}/quarantine': {
        parameters: [param],
        delete: { summary: 'Clear the quarantine: scheduled cycles resume their schedule', responses: { '200': h.ok('The connection', h.ref('Connection')), ...notFound, ...h.adminErrors } },
      },
      '/connections/{connection}/provision': {
        parameters: [param],
        post: {
          summary: 'Provision on demand: one user, or one group with up to five of its members, now, with a step-by-step report',
          requestBody: body({
            user: { type: 'string', description: "The user's source key (give user or group)." },
            group: { type: 'string', description: "The group's source key: the group, the members named, and their memberships are provisioned; nothing is removed." },
            members: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'string' }, description: 'With group: which of its members (source keys), at most 5; left out, all of them when the group has no more than 5.' },
          }),
          responses: { '200': h.ok('The report', h.ref('OnDemandReport')), ...busy, ...notFound, ...h.adminErrors },
        },
      },
    },
    schemas: {
      Connection: {
        type: 'object',
        description: 'Never carries a secret.',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          source: { type: 'object' },
          target: { type: 'string' },
          credential: { type: 'object', properties: { kind: { enum: ['bearer', 'oauth'] }, expiresAt: { type: ['string', 'null'], format: 'date-time' } } },
          mappings: {},
          scoping: { type: 'object' },
          settings: { type: 'object' },
          quarantine: { type: ['object', 'null'], properties: { reason: { enum: ['credentials', 'failures'] }, detail: { type: 'string' }, since: { type: 'string', format: 'date-time' } } },
          allowDeletes: { type: 'boolean' },
          credentialState: { type: ['object', 'null'], description: 'Where the expiry came from, warnings given, the last rotation or rotation error.' },
          targetProfile: { type: ['object', 'null'], description: 'How the target treats groups, learned by Test Connection (a probe group, deleted again) and by cycles: keepsMembersOnPost, showsMembersOnGet, largestAcceptedBatch, refusedBatch, note, lastFullSyncAt.' },
        },
      },
      Cycle: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          connectionId: { type: 'string' },
          startedAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
          dryRun: { type: 'boolean' },
          status: { enum: ['running', 'completed', 'stopped', 'failed', 'interrupted'] },
          summary: { type: ['object', 'null'], description: 'created, updated, disabled, deleted, unchanged, failed, durationMs, requests, retries' },
          message: { type: ['string', 'null'] },
        },
      },
      CycleResult: { type: 'object', properties: { cycle: h.ref('Cycle'), summary: { type: 'object' }, quarantine: { type: 'object' }, plan: { type: 'object' } } },
      LogEntry: {
        type: 'object',
        properties: {
          seq: { type: 'integer' },
          cycleId: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
          type: { enum: ['User', 'Group'] },
          key: { type: 'string' },
          origin: { type: ['string', 'null'], description: 'Where the source has the object, as an admin knows it (an LDAP DN, a CSV line); null once it left the source.' },
          targetId: { type: ['string', 'null'] },
          action: { type: 'string' },
          result: { enum: ['planned', 'success', 'failure', 'skipped'] },
          status: { type: ['integer', 'null'] },
          detail: { type: ['string', 'null'] },
          changes: {},
        },
      },
      TestReport: {
        type: 'object',
        properties: { ok: { type: 'boolean' }, target: { type: 'string' }, steps: { type: 'array', items: { type: 'object', properties: { side: { enum: ['source', 'target'], description: 'Whether the step checked the source or the target; source steps come first.' }, step: { type: 'string' }, status: { enum: ['ok', 'warning', 'failed', 'skipped'] }, detail: { type: 'string' } } } } },
      },
      OnDemandReport: {
        type: 'object',
        properties: { ok: { type: 'boolean' }, steps: { type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, status: { type: 'string' }, detail: { type: 'string' } } } } },
      },
    },
  };
}

const FULL_RECONCILE = {
  type: 'boolean',
  description: "Full reconcile (Entra's \"Restart provisioning\"): read every managed object back from the target (members too where it shows them) and repair every difference.",
} as const;
