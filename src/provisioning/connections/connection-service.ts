import { recoveredEvent } from '../engine/connection-state-events.js';
import type { Encryptor } from '../../auth/encryption.js';
import { cycleOutcome, type ConnectionClient, type ConnectionShow, type CycleOutcome, type OnDemandRequest, type RunRequest } from './connection-client.js';
import { AdminError, conflictProblem, invalidInput, notFoundProblem } from '../../admin/admin-error.js';
import { ScimError } from '../../scim/errors.js';
import { audit } from '../../admin/admin-service.js';
import type { Actor } from '../../admin/admin-views.js';
import type { JsonObject } from '../../scim/json.js';
import type { ScimClientOptions } from '../client/scim-client.js';
import { runConnectionCycle } from '../engine/connection-cycle.js';
import { CycleBusy } from '../engine/cycle-lease.js';
import { prepareSource, sourceCheckOf, type SourceCheck } from '../engine/prepare-source.js';
import { ON_DEMAND_GROUP_MEMBERS, provisionOnDemand, type OnDemandReport } from '../engine/provision-on-demand.js';
import type { CycleReport, ProgressEvent } from '../engine/run-cycle.js';
import type { ConnectionStore, CycleRecord, LogEntry, LogQuery } from '../store/connection-store.js';
import { applyConnectionInput, describeConnection, newConnection, type ConnectionInput } from './connection-input.js';
import { combinedReport, testConnection, type TestReport } from './connection-test.js';
import { testSource } from './source-test.js';
import { describeSource } from '../sources/source-spec.js';
import { DEFAULT_MEMBERS_PER_REQUEST } from '../engine/group-writes.js';
import type { ConnectionRecord, CredentialState } from './connection.js';
import { decryptCredential, secretsOf, targetClient } from './target-client.js';
import type { ConnectionDetails } from '../../admin/api-views.js';

export type { ConnectionDetails } from '../../admin/api-views.js';

export type { SourceCheck };

export interface LogPage {
  entries: LogEntry[];
  /** Pass as `before` for the next, older page; absent on the last page. */
  next?: number;
}

export interface ConnectionServiceOptions {
  clock?: () => Date;
  /** For tests: fast retries. */
  clientOptions?: Partial<ScimClientOptions>;
  /** Called after a test that passes (clears the quarantine) and before one runs (reads the secret's expiry). */
  afterTest?: (connection: ConnectionRecord, report: TestReport) => Promise<void>;
  /** Who changes connections when a call names no one (the CLI's operating-system user). */
  actor?: Actor;
}

const MAX_LOG_PAGE = 1000;
const MAX_CYCLES = 200;

/**
 * Every operation on provisioning connections, once: the admin API's routes call it, and so can
 * the CLI. Refusals are AdminErrors (RFC 9457 problems over HTTP); input mistakes found by the
 * connection parser become `invalid-input`. Secrets go in, never out.
 */
export class ConnectionService implements ConnectionClient {
  private readonly clock: () => Date;

  constructor(
    readonly store: ConnectionStore,
    readonly encryptor: Encryptor,
    private readonly options: ConnectionServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async list(): Promise<(ConnectionDetails & { lastCycle: CycleRecord | null; escrowNextRetry: string | null })[]> {
    const connections = await this.store.listConnections();
    return Promise.all(
      connections.map(async (c) => ({ ...details(c), lastCycle: (await this.store.listCycles(c.id, 1))[0] ?? null, escrowNextRetry: await this.store.nextEscrowRetry(c.id) })),
    );
  }

  async get(ref: string): Promise<ConnectionShow> {
    const c = await this.require(ref);
    const objects = await this.store.loadObjects(c.id);
    const count = (type: string) => objects.filter((o) => o.type === type && o.targetId).length;
    const failing = objects.filter((o) => o.failures > 0);
    return {
      ...details(c),
      managed: { users: count('User'), groups: count('Group'), failing: failing.length },
      escrow: { objects: failing.length, nextRetry: await this.store.nextEscrowRetry(c.id) },
      cycles: await this.store.listCycles(c.id, 5),
    };
  }

  async create(name: string, input: ConnectionInput, actor?: Actor): Promise<{ connection: ConnectionDetails; check: SourceCheck }> {
    const parsed = parsing(() => newConnection(name, input, this.encryptor, this.clock()));
    // An expiry the admin typed is theirs: the credential keeper must not replace it with the target's.
    const record = { ...parsed, credentialState: enteredExpiryState(parsed, input) };
    const check = await this.checkSource(record);
    await this.store.createConnection(record);
    await this.audit(actor, 'connection.created', record, { source: describeSource(record.source), target: record.targetUrl, schedule: record.settings.schedule ?? 'off' });
    return { connection: details(record), check };
  }

  async update(ref: string, input: ConnectionInput, actor?: Actor): Promise<{ connection: ConnectionDetails; check: SourceCheck }> {
    const before = await this.require(ref);
    const record = parsing(() => applyConnectionInput(before, withoutCredential(input), this.encryptor, this.clock()));
    const check = await this.checkSource(record);
    await this.store.updateConnection(record);
    await this.audit(actor, 'connection.updated', record, { changed: changedFields(input) });
    return { connection: details(record), check };
  }

  async delete(ref: string, actor?: Actor): Promise<{ id: string; name: string }> {
    const c = await this.require(ref);
    await this.store.deleteConnection(c.id);
    await this.audit(actor, 'connection.deleted', c, { target: c.targetUrl });
    return { id: c.id, name: c.name };
  }

  /** Update Credentials: a new secret (or OAuth client) and its expiry, swapped in one statement. */
  async setSecret(ref: string, input: Pick<ConnectionInput, 'secret' | 'secretExpires' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'oauthScope'>, actor?: Actor): Promise<ConnectionDetails> {
    const before = await this.require(ref);
    if (!input.secret && !input.clientSecret) throw invalidInput('Give the new credential: secret, or tokenUrl, clientId and clientSecret');
    const record = parsing(() => applyConnectionInput(before, input, this.encryptor, this.clock()));
    const state = enteredExpiryState(record, input);
    await this.store.replaceCredential(record.id, { kind: record.credentialKind, encrypted: record.encryptedCredential, expiresAt: record.credentialExpiresAt, state, updated: record.updated });
    // The credential itself never enters the log: only its kind and expiry.
    await this.audit(actor, 'connection.secret_set', record, { kind: record.credentialKind, expiresAt: record.credentialExpiresAt });
    return details({ ...record, credentialState: state });
  }

  /** Test Connection; a test that passes clears a quarantine. */
  async test(ref: string): Promise<TestReport> {
    const c = await this.require(ref);
    const credential = this.decrypt(c);
    const target = targetClient(c, credential, { retry: { maxAttempts: 2 }, timeoutMs: Math.min(c.settings.timeoutSeconds, 20) * 1000, ...this.options.clientOptions });
    let report: TestReport;
    try {
      // The source first: its steps lead the report, and its mappings name the attribute the target probe filters on.
      const source = await testSource(c, this.clock(), { store: this.store, encryptor: this.encryptor }, this.options.clientOptions);
      const targetReport = await testConnection({
        client: target.client,
        credential: target.credential,
        targetUrl: c.targetUrl,
        matchingAttribute: source.prepared?.userConfig.matching[0]?.path.text ?? 'userName',
        secretExpiresAt: c.credentialExpiresAt,
        secrets: secretsOf(credential),
        now: this.clock(),
        ...(c.settings.groups ? { groupProbe: { membersPerRequest: c.settings.membersPerRequest ?? DEFAULT_MEMBERS_PER_REQUEST } } : {}),
      });
      report = combinedReport(c.targetUrl, describeSource(c.source), [...source.steps, ...targetReport.steps]);
      if (targetReport.targetProfile) await this.store.setTargetProfile(c.id, targetReport.targetProfile);
    } finally {
      target.close();
    }
    if (report.ok && c.quarantine) await this.store.setQuarantine(c.id, null, recoveredEvent(c, 'Test Connection passed', c.quarantine.since, this.clock()));
    await this.options.afterTest?.(c, report);
    return report;
  }

  /** A cycle now (or a dry run, which returns and stores the plan). */
  async run(ref: string, options: { dryRun?: boolean; full?: boolean; allowDeletes?: boolean; onProgress?: (event: ProgressEvent) => void; signal?: AbortSignal } = {}): Promise<CycleReport> {
    const connection = await this.require(ref);
    try {
      return await runConnectionCycle({ store: this.store, encryptor: this.encryptor, connection, clientOptions: this.options.clientOptions, ...options });
    } catch (error) {
      if (error instanceof CycleBusy) throw conflictProblem('cycle-running', error.message);
      throw error;
    }
  }

  /** A cycle now, its outcome as the admin API and `--json` show it. */
  async runCycle(ref: string, request: RunRequest): Promise<CycleOutcome> {
    return cycleOutcome(await this.run(ref, request));
  }

  /** Provision on demand: one user now, with a step-by-step report. */
  async provision(ref: string, request: OnDemandRequest): Promise<OnDemandReport> {
    const connection = await this.require(ref);
    const key = (request.group ?? request.user ?? '').trim();
    if ((request.group === undefined) === (request.user === undefined)) throw invalidInput('give either user (a user\'s source key) or group (a group\'s source key)');
    if (!key) throw invalidInput(request.group !== undefined ? "group is the group's source key" : "user is the user's source key");
    if (request.members !== undefined && request.group === undefined) throw invalidInput('members go with group');
    if (request.members && (request.members.length === 0 || request.members.length > ON_DEMAND_GROUP_MEMBERS || request.members.some((m) => !m.trim()))) {
      throw invalidInput(`members is a list of 1 to ${ON_DEMAND_GROUP_MEMBERS} member keys of the group`);
    }
    const group = request.group !== undefined ? { ...(request.members ? { members: request.members.map((m) => m.trim()) } : {}) } : undefined;
    try {
      return await provisionOnDemand({ store: this.store, encryptor: this.encryptor, connection, key, ...(group ? { group } : {}), now: this.clock, clientOptions: this.options.clientOptions });
    } catch (error) {
      if (error instanceof CycleBusy) throw conflictProblem('cycle-running', error.message);
      throw error;
    }
  }

  async cycles(ref: string, limit = 20): Promise<CycleRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CYCLES) throw invalidInput(`limit is a whole number from 1 to ${MAX_CYCLES}`);
    return this.store.listCycles((await this.require(ref)).id, limit);
  }

  /** The provisioning log, newest last within a page; `before` pages towards older lines. `cycle: "last"` is the latest cycle. */
  async logs(ref: string, query: Partial<LogQuery> & { cycle?: string; object?: string }): Promise<LogPage> {
    const c = await this.require(ref);
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_PAGE) throw invalidInput(`limit is a whole number from 1 to ${MAX_LOG_PAGE}`);
    if (query.result && !['planned', 'success', 'failure', 'skipped'].includes(query.result)) throw invalidInput('result is planned, success, failure or skipped');
    let cycleId = query.cycle ?? query.cycleId;
    if (cycleId === 'last') cycleId = (await this.store.listCycles(c.id, 1))[0]?.id ?? 'none';
    const entries = await this.store.readLog(c.id, { cycleId, key: query.object ?? query.key, result: query.result, action: query.action, before: query.before, limit: limit + 1 });
    // One line more than asked says whether an older page exists.
    const more = entries.length > limit;
    const page = more ? entries.slice(1) : entries;
    return { entries: page, ...(more ? { next: page[0].seq } : {}) };
  }

  /** Entra's "Allow deletes": the next real cycle may pass the deletion threshold, once. */
  async allowDeletions(ref: string, actor?: Actor): Promise<ConnectionDetails> {
    const c = await this.require(ref);
    await this.store.setAllowDeletes(c.id, true);
    await this.audit(actor, 'connection.deletions_allowed', c, {});
    return details({ ...c, allowDeletes: true });
  }

  async clearQuarantine(ref: string): Promise<ConnectionDetails> {
    const c = await this.require(ref);
    await this.store.setQuarantine(c.id, null, c.quarantine ? recoveredEvent(c, 'an admin cleared the quarantine', c.quarantine.since, this.clock()) : undefined);
    return details({ ...c, quarantine: null });
  }

  /** One audit entry about a connection; `detail` never holds a credential. */
  private async audit(actor: Actor | undefined, action: string, c: ConnectionRecord, detail: JsonObject): Promise<void> {
    const who = actor ?? this.options.actor ?? { id: 'system', ip: null };
    await this.store.appendAudit(audit(who, this.clock().toISOString(), action, { type: 'connection', id: c.id, name: c.name }, null, { name: c.name, ...detail }));
  }

  async require(ref: string): Promise<ConnectionRecord> {
    const connection = await this.store.findConnection(ref);
    if (!connection) throw notFoundProblem(`No connection ${JSON.stringify(ref)}; "scimd connection list" shows the connections there are`);
    return connection;
  }

  decrypt(connection: ConnectionRecord) {
    try {
      return decryptCredential(connection, this.encryptor);
    } catch (error) {
      throw new AdminError(409, 'invalid-input', (error as Error).message);
    }
  }

  /** Reads the source and compiles mappings and scoping, checking the source attributes they read, so mistakes are reported before anything is saved. */
  async checkSource(record: ConnectionRecord): Promise<SourceCheck> {
    return sourceCheckOf(await parsingAsync(() => prepareSource(record, this.clock(), { store: this.store, encryptor: this.encryptor, preview: true }, { checkSourceNames: true })));
  }
}

export function details(c: ConnectionRecord): ConnectionDetails {
  return { ...describeConnection(c), quarantine: c.quarantine ?? null, allowDeletes: Boolean(c.allowDeletes), credentialState: c.credentialState ?? null, targetProfile: c.targetProfile ?? null };
}

/** `update` changes settings; the credential changes only through setSecret (Update Credentials). */
function withoutCredential(input: ConnectionInput): ConnectionInput {
  const { secret, clientSecret, tokenUrl, clientId, oauthScope, secretExpires, ...rest } = input;
  if ([secret, clientSecret, tokenUrl, clientId, oauthScope, secretExpires].some((v) => v !== undefined)) {
    throw invalidInput('Change the credential with set-secret (POST /connections/{connection}/secret), not with an update');
  }
  return rest;
}

/** The connection parser throws plain Errors for input mistakes: those are the caller's, so 400. */
function parsing<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asInputError(error);
  }
}

async function parsingAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asInputError(error);
  }
}

function asInputError(error: unknown): unknown {
  if (error instanceof ScimError) return error;
  if (error instanceof Error) return invalidInput(error.message);
  return error;
}

/** The credential state of a secret whose expiry the admin entered (kept as entered), or none. */
function enteredExpiryState(record: ConnectionRecord, input: Pick<ConnectionInput, 'secretExpires'>): CredentialState | null {
  return record.credentialExpiresAt && input.secretExpires !== undefined ? { expirySource: 'entered' } : null;
}

/** The names of the settings an update gave, never their values (a source secret may be among them). */
function changedFields(input: ConnectionInput): string[] {
  return Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key)
    .sort();
}
