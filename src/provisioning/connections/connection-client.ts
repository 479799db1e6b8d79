import type { HttpAdminClient } from '../../admin/http-admin-client.js';
import type { OnDemandReport } from '../engine/provision-on-demand.js';
import type { CycleReport, ProgressEvent } from '../engine/run-cycle.js';
import type { CycleRecord } from '../store/connection-store.js';
import { loadMappingFile, type ConnectionInput } from './connection-input.js';
import type { ConnectionDetails, LogPage, SourceCheck } from './connection-service.js';
import type { TestReport } from './connection-test.js';

export type { ConnectionShow, ConnectionSummary, CycleOutcome } from '../../admin/api-views.js';
import type { ConnectionShow, ConnectionSummary, CycleOutcome } from '../../admin/api-views.js';
export type CredentialInput = Pick<ConnectionInput, 'secret' | 'secretExpires' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'oauthScope'>;
export interface LogRequest {
  cycle?: string;
  object?: string;
  result?: 'planned' | 'success' | 'failure' | 'skipped';
  limit?: number;
  before?: number;
}
export interface RunRequest {
  dryRun?: boolean;
  /** Full reconcile: read the target back and repair every difference (Entra's "Restart provisioning"). */
  full?: boolean;
  allowDeletes?: boolean;
  /** Progress of a cycle run here; a cycle run by a server reports only its outcome. */
  onProgress?: (event: ProgressEvent) => void;
}

/** Provision on demand: one user, or one group with up to five of its members (all of them when it has no more). */
export interface OnDemandRequest {
  user?: string;
  group?: string;
  members?: string[];
}

export function cycleOutcome(report: CycleReport): CycleOutcome {
  const { cycle, plan } = report;
  return {
    cycle,
    summary: report.summary,
    ...(report.quarantine ? { quarantine: report.quarantine } : {}),
    ...(plan && (cycle.dryRun || cycle.status === 'stopped') ? { plan: { steps: plan.steps, failures: plan.failures } } : {}),
  };
}

/**
 * Provisioning connections as the CLI sees them, so each command is written once: on the
 * database (`--db`) ConnectionService itself, through a server (`--url`) HttpConnectionClient
 * on its admin API. Both return the admin API's shapes.
 */
export interface ConnectionClient {
  list(): Promise<ConnectionSummary[]>;
  get(ref: string): Promise<ConnectionShow>;
  create(name: string, input: ConnectionInput): Promise<{ connection: ConnectionDetails; check: SourceCheck }>;
  update(ref: string, input: ConnectionInput): Promise<{ connection: ConnectionDetails; check: SourceCheck }>;
  delete(ref: string): Promise<{ id: string; name: string }>;
  test(ref: string): Promise<TestReport>;
  setSecret(ref: string, input: CredentialInput): Promise<ConnectionDetails>;
  runCycle(ref: string, request: RunRequest): Promise<CycleOutcome>;
  cycles(ref: string, limit?: number): Promise<CycleRecord[]>;
  logs(ref: string, request: LogRequest): Promise<LogPage>;
  provision(ref: string, request: OnDemandRequest): Promise<OnDemandReport>;
  allowDeletions(ref: string): Promise<ConnectionDetails>;
  clearQuarantine(ref: string): Promise<ConnectionDetails>;
}

/** A cycle may take as long as the source and target need; the server's own limits apply. */
const CYCLE_TIMEOUT_MS = 24 * 3_600_000;

export class HttpConnectionClient implements ConnectionClient {
  constructor(private readonly http: HttpAdminClient) {}

  async list() {
    return (await this.http.call<{ connections: ConnectionSummary[] }>('GET', '/connections')).connections;
  }
  get(ref: string) {
    return this.http.call<ConnectionShow>('GET', path(ref));
  }
  create(name: string, input: ConnectionInput) {
    return this.http.call<{ connection: ConnectionDetails; check: SourceCheck }>('POST', '/connections', { name, ...withMappingsRead(input) });
  }
  update(ref: string, input: ConnectionInput) {
    return this.http.call<{ connection: ConnectionDetails; check: SourceCheck }>('PATCH', path(ref), withMappingsRead(input));
  }
  delete(ref: string) {
    return this.http.call<{ id: string; name: string }>('DELETE', path(ref));
  }
  test(ref: string) {
    return this.http.call<TestReport>('POST', path(ref, '/test'), {});
  }
  setSecret(ref: string, input: CredentialInput) {
    return this.http.call<ConnectionDetails>('PUT', path(ref, '/secret'), input);
  }
  runCycle(ref: string, request: RunRequest) {
    const full = request.full ? { full: true } : {};
    if (request.dryRun) return this.http.call<CycleOutcome>('POST', path(ref, '/dry-run'), full, CYCLE_TIMEOUT_MS);
    return this.http.call<CycleOutcome>('POST', path(ref, '/run'), { ...full, ...(request.allowDeletes ? { allowDeletes: true } : {}) }, CYCLE_TIMEOUT_MS);
  }
  async cycles(ref: string, limit?: number) {
    return (await this.http.call<{ cycles: CycleRecord[] }>('GET', path(ref, `/cycles${search({ limit })}`))).cycles;
  }
  logs(ref: string, request: LogRequest) {
    return this.http.call<LogPage>('GET', path(ref, `/logs${search({ ...request })}`));
  }
  provision(ref: string, request: OnDemandRequest) {
    return this.http.call<OnDemandReport>('POST', path(ref, '/provision'), request, CYCLE_TIMEOUT_MS);
  }
  allowDeletions(ref: string) {
    return this.http.call<ConnectionDetails>('POST', path(ref, '/allow-deletions'), {});
  }
  clearQuarantine(ref: string) {
    return this.http.call<ConnectionDetails>('DELETE', path(ref, '/quarantine'));
  }
}

function path(ref: string, rest = ''): string {
  return `/connections/${encodeURIComponent(ref)}${rest}`;
}

function search(params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** A mapping file is on the caller's machine, not the server's: send its content. */
function withMappingsRead(input: ConnectionInput): ConnectionInput {
  if (input.mapping === undefined) return input;
  const { mapping, ...rest } = input;
  return { ...rest, mappings: mapping === 'default' ? 'default' : loadMappingFile(mapping) };
}
