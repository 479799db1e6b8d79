import { ScimError } from '../scim/errors.js';
import type { AdminClient } from './admin-client.js';
import { AdminError, type AdminProblem } from './admin-error.js';
import type { FeedFormat, FeedResponse } from '../events/event-feed.js';
import type { DeliveryRecord } from '../store/webhook-store.js';
import type { WebhookChange, WebhookInput } from '../webhooks/webhook-input.js';
import type { WebhookDetails, WebhookView, WebhookWithSecret } from '../webhooks/webhook-views.js';
import type { SecretInput } from './admin-service.js';
import type {
  AuditPage,
  CreatedSecret,
  DirectoryDetails,
  DirectoryStatus,
  DirectoryView,
  SecretView,
  SettingsPatch,
  SettingsView,
  StatusReport,
} from './admin-views.js';

const PROBLEM_PREFIX = 'urn:scimd:problem:';
const TIMEOUT_MS = 30_000;

/**
 * The CLI with `--url`: the same operations over a server's admin API. A refusal comes back as
 * the problem the server sent, so the CLI prints the server's own message.
 */
export class HttpAdminClient implements AdminClient {
  private readonly origin: string;

  constructor(
    url: string,
    private readonly adminSecret: string,
  ) {
    // Accept the server's origin, its SCIM base URL or its admin API URL alike.
    this.origin = url.replace(/\/+$/, '').replace(/\/(scim\/v2|api\/v1)$/i, '');
  }

  get scimUrl(): string {
    return `${this.origin}/scim/v2`;
  }

  async listDirectories() {
    return (await this.call<{ directories: DirectoryView[] }>('GET', '/directories')).directories;
  }
  getDirectory(directory: string) {
    return this.call<DirectoryDetails>('GET', `/directories/${segment(directory)}`);
  }
  createDirectory(name: string) {
    return this.call<DirectoryView>('POST', '/directories', { name });
  }
  renameDirectory(directory: string, name: string) {
    return this.call<DirectoryView>('PATCH', `/directories/${segment(directory)}`, { name });
  }
  deleteDirectory(directory: string, confirm: string | undefined) {
    return this.call<{ id: string; name: string }>('DELETE', `/directories/${segment(directory)}${query({ confirm })}`);
  }
  getSettings(directory: string) {
    return this.call<SettingsView>('GET', `/directories/${segment(directory)}/settings`);
  }
  updateSettings(directory: string, patch: SettingsPatch) {
    return this.call<SettingsView>('PATCH', `/directories/${segment(directory)}/settings`, patch);
  }
  async listSecrets(directory: string) {
    return (await this.call<{ secrets: SecretView[] }>('GET', `/directories/${segment(directory)}/secrets`)).secrets;
  }
  createSecret(directory: string, input: SecretInput) {
    return this.call<CreatedSecret>('POST', `/directories/${segment(directory)}/secrets`, input);
  }
  async revokeSecret(id: string, options: { force?: boolean }) {
    // Secrets are revoked under their directory, which the id alone does not name.
    const secret = await this.call<SecretView>('GET', `/secrets/${segment(id)}`);
    return this.call<SecretView>('DELETE', `/directories/${segment(secret.directoryId!)}/secrets/${segment(id)}${query({ force: options.force ? 'true' : undefined })}`);
  }
  async listAdminSecrets() {
    return (await this.call<{ secrets: SecretView[] }>('GET', '/admin/secrets')).secrets;
  }
  createAdminSecret(input: SecretInput) {
    return this.call<CreatedSecret>('POST', '/admin/secrets', input);
  }
  revokeAdminSecret(id: string, options: { force?: boolean }) {
    return this.call<SecretView>('DELETE', `/admin/secrets/${segment(id)}${query({ force: options.force ? 'true' : undefined })}`);
  }
  status(options: { idleHours?: number }) {
    return this.call<StatusReport>('GET', `/status${query({ idleHours: options.idleHours?.toString() })}`);
  }
  directoryStatus(directory: string, options: { idleHours?: number }) {
    return this.call<DirectoryStatus>('GET', `/directories/${segment(directory)}/status${query({ idleHours: options.idleHours?.toString() })}`);
  }
  audit(q: { directory?: string; limit?: number; before?: string }) {
    return this.call<AuditPage>('GET', `/audit${query({ directory: q.directory, limit: q.limit?.toString(), before: q.before })}`);
  }
  readEvents(directory: string, q: { after: number; limit?: number; wait?: number; format?: FeedFormat }) {
    const search = query({ after: String(q.after), limit: q.limit?.toString(), wait: q.wait?.toString(), format: q.format });
    return this.call<FeedResponse>('GET', `/directories/${segment(directory)}/events${search}`, undefined, ((q.wait ?? 0) + 30) * 1000);
  }
  async listWebhooks(directory?: string) {
    return (await this.call<{ webhooks: WebhookView[] }>('GET', `/webhooks${query({ directory })}`)).webhooks;
  }
  getWebhook(id: string) {
    return this.call<WebhookDetails>('GET', `/webhooks/${segment(id)}`);
  }
  createWebhook(input: WebhookInput) {
    return this.call<WebhookWithSecret>('POST', '/webhooks', input);
  }
  updateWebhook(id: string, change: WebhookChange) {
    return this.call<WebhookView>('PATCH', `/webhooks/${segment(id)}`, change);
  }
  deleteWebhook(id: string) {
    return this.call<WebhookView>('DELETE', `/webhooks/${segment(id)}`);
  }
  rotateWebhookSecret(id: string, overlap?: string) {
    return this.call<WebhookWithSecret>('POST', `/webhooks/${segment(id)}/rotate-secret`, overlap === undefined ? {} : { overlap });
  }
  testWebhook(id: string) {
    return this.call<DeliveryRecord>('POST', `/webhooks/${segment(id)}/test`, {});
  }
  webhookDeliveries(id: string, q: { directory?: string; outcome?: string; limit?: number; before?: string }) {
    return this.call<{ deliveries: DeliveryRecord[] }>('GET', `/webhooks/${segment(id)}/deliveries${query({ directory: q.directory, outcome: q.outcome, limit: q.limit?.toString(), before: q.before })}`);
  }
  resendDelivery(id: string, deliveryId: string) {
    return this.call<DeliveryRecord>('POST', `/webhooks/${segment(id)}/deliveries/${segment(deliveryId)}/resend`, {});
  }
  replayWebhook(id: string, input: { directory?: string; from: number }) {
    return this.call<WebhookDetails>('POST', `/webhooks/${segment(id)}/replay`, input);
  }
  async close() {}

  /** One admin API call (also the transport of HttpConnectionClient); a refusal throws the server's problem. */
  async call<T>(method: string, path: string, body?: object, timeoutMs = TIMEOUT_MS): Promise<T> {
    const url = `${this.origin}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.adminSecret}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ScimError(503, `Cannot reach scimd at ${this.origin}: ${reason}`);
    }
    const text = await response.text();
    const parsed = parse(text);
    if (response.ok) return parsed as T;
    const problem = parsed as { type?: string; detail?: string } | undefined;
    const detail = typeof problem?.detail === 'string' ? problem.detail : `${method} ${url} answered ${response.status}`;
    if (typeof problem?.type === 'string' && problem.type.startsWith(PROBLEM_PREFIX)) {
      throw new AdminError(response.status, problem.type.slice(PROBLEM_PREFIX.length) as AdminProblem, detail);
    }
    throw new ScimError(response.status, detail);
  }
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
