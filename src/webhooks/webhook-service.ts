import { invalidInput, notFoundProblem } from '../admin/admin-error.js';
import { deliveryRecord } from './delivery-record.js';
import { directoryNotFound } from '../admin/admin-refusals.js';
import { audit } from '../admin/admin-service.js';
import { webhookTarget } from '../admin/audit-target-name.js';
import type { Actor } from '../admin/admin-views.js';
import { randomId } from '../auth/secret-format.js';
import { eventsExpired } from '../events/event-feed.js';
import type { DirectoryEvent } from '../events/event-types.js';
import type { JsonObject } from '../scim/json.js';
import type { Store } from '../store/store.js';
import type { DeliveryOutcome, DeliveryRecord, WebhookRecord } from '../store/webhook-store.js';
import { webhookBody, webhookHeaders } from './webhook-payload.js';
import { checkDescription, checkEventTypes, checkFormat, checkWebhookUrl, type WebhookChange, type WebhookInput } from './webhook-input.js';
import { firstSecret, rotateSecrets, type WebhookSecrets } from './webhook-secrets.js';
import { sendWebhook } from './webhook-sender.js';
import { streamView, webhookView, type DirectoryNameLookup, type WebhookDetails, type WebhookView, type WebhookWithSecret } from './webhook-views.js';

export interface WebhookServiceOptions {
  clock: () => Date;
  secrets: WebhookSecrets;
  /** Longest wait for a receiver's answer to a test or a resend. */
  timeoutMs: number;
}

/** How long the previous secret keeps signing after a rotation, unless the caller says otherwise. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3_600_000;
const MAX_OVERLAP_MS = 30 * 86_400_000;
const MAX_DELIVERY_PAGE = 500;

/**
 * Administration of webhooks, for the admin API and the CLI's local mode alike: each change runs
 * in one transaction with its audit entry. Tests and resends are sent at once, from the caller's
 * request, and logged like any delivery; they never move a stream.
 */
export class WebhookService {
  constructor(
    private readonly store: Store,
    private readonly options: WebhookServiceOptions,
  ) {}

  async list(filter: { directory?: string } = {}): Promise<WebhookView[]> {
    const directoryId = filter.directory === undefined ? undefined : (await this.requireDirectory(filter.directory)).id;
    const records = await this.store.webhooks.listWebhooks(directoryId === undefined ? undefined : { directoryId, includeGlobal: true });
    // Notification recipients are `notify` rows; they are managed with "scimd notify".
    const names = await this.directoryNames();
    return records.filter((r) => r.format !== 'notify').map((r) => webhookView(r, names));
  }

  async get(id: string): Promise<WebhookDetails> {
    const webhook = await this.requireWebhook(id);
    const now = this.options.clock();
    const streams = await this.store.webhooks.listStreams(id);
    const previous = this.options.secrets.open(webhook.secrets).find((s) => s.expiresAt !== null && Date.parse(s.expiresAt) > now.getTime());
    const names = await this.directoryNames();
    return { ...webhookView(webhook, names), streams: streams.map((s) => streamView(s, names, now)), previousSecretExpiresAt: previous?.expiresAt ?? null };
  }

  async create(actor: Actor, input: WebhookInput): Promise<WebhookWithSecret> {
    const directory = input.directory === undefined ? null : await this.requireDirectory(input.directory);
    const directoryId = directory?.id ?? null;
    const now = this.options.clock();
    const secret = firstSecret(now);
    const record: WebhookRecord = {
      id: randomId('whk'),
      directoryId,
      url: checkWebhookUrl(input.url),
      description: checkDescription(input.description ?? ''),
      eventTypes: checkEventTypes(input.eventTypes ?? []),
      format: checkFormat(input.format ?? 'json'),
      secrets: this.options.secrets.seal([secret]),
      enabled: input.enabled ?? true,
      created: now.toISOString(),
      updated: null,
    };
    await this.store.webhooks.changeWebhooks(async (tx) => {
      await tx.insertWebhook(record);
      await tx.appendAudit(audit(actor, record.created, 'webhook.created', webhookTarget(record), directoryId, describe(record)));
    });
    return { ...webhookView(record, new Map(directory ? [[directory.id, directory.name]] : [])), secret: secret.secret, previousSecretExpiresAt: null };
  }

  async update(actor: Actor, id: string, change: WebhookChange): Promise<WebhookView> {
    const fields: Partial<WebhookRecord> = {};
    if (change.url !== undefined) fields.url = checkWebhookUrl(change.url);
    if (change.description !== undefined) fields.description = checkDescription(change.description);
    if (change.eventTypes !== undefined) fields.eventTypes = checkEventTypes(change.eventTypes);
    if (change.format !== undefined) fields.format = checkFormat(change.format);
    if (change.enabled !== undefined) fields.enabled = change.enabled;
    const now = this.options.clock().toISOString();
    return this.withName(await this.store.webhooks.changeWebhooks(async (tx) => {
      const current = await tx.lockWebhook(id);
      if (!current) throw webhookNotFound(id);
      const updated: WebhookRecord = { ...current, ...fields, updated: now };
      const changes: JsonObject = {};
      for (const key of Object.keys(fields) as (keyof typeof fields)[]) {
        if (JSON.stringify(current[key]) !== JSON.stringify(updated[key])) changes[key] = { from: current[key] as never, to: updated[key] as never };
      }
      if (!Object.keys(changes).length) return current;
      await tx.updateWebhook(updated);
      await tx.appendAudit(audit(actor, now, 'webhook.updated', webhookTarget(updated), current.directoryId, changes));
      return updated;
    }));
  }

  async remove(actor: Actor, id: string): Promise<WebhookView> {
    const now = this.options.clock().toISOString();
    return this.withName(await this.store.webhooks.changeWebhooks(async (tx) => {
      const current = await tx.lockWebhook(id);
      if (!current) throw webhookNotFound(id);
      await tx.deleteWebhook(id);
      await tx.appendAudit(audit(actor, now, 'webhook.deleted', webhookTarget(current), current.directoryId, describe(current)));
      return current;
    }));
  }

  /**
   * A new signing secret, shown once. The previous ones keep signing for `overlapMs` (default
   * 24 hours): each delivery carries one signature per valid secret, so receivers switch without a refusal.
   */
  async rotateSecret(actor: Actor, id: string, options: { overlapMs?: number } = {}): Promise<WebhookWithSecret> {
    const overlapMs = options.overlapMs ?? DEFAULT_ROTATION_OVERLAP_MS;
    if (!Number.isFinite(overlapMs) || overlapMs < 0 || overlapMs > MAX_OVERLAP_MS) throw invalidInput('The overlap must be between 0 and 30 days');
    const now = this.options.clock();
    const rotated = await this.store.webhooks.changeWebhooks(async (tx) => {
      const current = await tx.lockWebhook(id);
      if (!current) throw webhookNotFound(id);
      const rotation = rotateSecrets(this.options.secrets.open(current.secrets), now, overlapMs);
      const updated = { ...current, secrets: this.options.secrets.seal(rotation.secrets), updated: now.toISOString() };
      await tx.updateWebhook(updated);
      await tx.appendAudit(audit(actor, now.toISOString(), 'webhook.secret_rotated', webhookTarget(current), current.directoryId, { previousSecretsExpireAt: rotation.oldExpireAt }));
      const previous = rotation.secrets.length > 1 ? rotation.oldExpireAt : null;
      return { updated, secret: rotation.fresh.secret, previous };
    });
    return { ...(await this.withName(rotated.updated)), secret: rotated.secret, previousSecretExpiresAt: rotated.previous };
  }

  /** Sends a `webhook.test` message now and logs it; the streams are not touched. */
  async test(actor: Actor, id: string): Promise<DeliveryRecord> {
    const webhook = await this.requireWebhook(id);
    const now = this.options.clock();
    const event: DirectoryEvent = {
      id: randomId('evt_test'),
      directoryId: webhook.directoryId ?? '',
      sequence: 0,
      type: 'webhook.test' as DirectoryEvent['type'],
      subject: { type: 'Directory', id: webhook.directoryId ?? '' },
      occurredAt: now.toISOString(),
      data: { webhookId: webhook.id, requestedBy: actor.id },
    };
    // A test has no SET form; it is always scimd's own JSON.
    return this.deliverNow(webhook, event, JSON.stringify(event), 'test', 1);
  }

  async deliveries(id: string, query: { directory?: string; outcome?: string; limit?: number; before?: string } = {}): Promise<{ deliveries: DeliveryRecord[] }> {
    await this.requireWebhook(id);
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERY_PAGE) throw invalidInput(`limit must be an integer from 1 to ${MAX_DELIVERY_PAGE}`);
    if (query.outcome !== undefined && !['delivered', 'failed', 'dead'].includes(query.outcome)) throw invalidInput('outcome must be delivered, failed or dead');
    const directoryId = query.directory === undefined ? undefined : ((await this.store.findDirectoryRecord(query.directory))?.id ?? query.directory);
    const deliveries = await this.store.webhooks.listDeliveries({
      webhookId: id,
      limit,
      ...(directoryId !== undefined ? { directoryId } : {}),
      ...(query.outcome !== undefined ? { outcome: query.outcome as DeliveryOutcome } : {}),
      ...(query.before !== undefined ? { before: query.before } : {}),
    });
    return { deliveries };
  }

  /**
   * Sends the event of a logged delivery again, now, signed with the current secrets. The stream
   * does not move: use replay to make the dispatcher deliver again in order.
   */
  async resend(actor: Actor, id: string, deliveryId: string, issuer: string): Promise<DeliveryRecord> {
    const webhook = await this.requireWebhook(id);
    const original = await this.store.webhooks.findDelivery(deliveryId);
    if (!original || original.webhookId !== id) throw notFoundProblem(`No delivery ${JSON.stringify(deliveryId)} of webhook ${id}`);
    if (original.kind === 'test') return this.test(actor, id);
    const [event] = await this.store.readEvents(original.directoryId, original.sequence - 1, 1);
    if (!event || event.id !== original.eventId) throw eventsExpired(original.sequence - 1);
    const body = webhookBody(event, webhook.format, issuer);
    if (body === undefined) throw invalidInput(`Event ${event.id} (${event.type}) has no ${webhook.format} form`);
    return this.deliverNow(webhook, event, body, 'resend', original.attempt + 1);
  }

  /**
   * Makes the dispatcher deliver a directory's events again from sequence `from`, in order; this
   * is also how a paused (dead-lettered) stream resumes. A global webhook needs the directory.
   */
  async replay(actor: Actor, id: string, input: { directory?: string; from: number }): Promise<WebhookDetails> {
    const webhook = await this.requireWebhook(id);
    if (!Number.isInteger(input.from) || input.from < 1) throw invalidInput('from must be a sequence number of 1 or more');
    let directoryId = webhook.directoryId;
    if (input.directory !== undefined) {
      const found = await this.store.findDirectoryRecord(input.directory);
      // A deleted directory's events can still be replayed to a global webhook by its id.
      const target = found?.id ?? ((await this.store.webhooks.oldestSequence(input.directory)) !== undefined ? input.directory : undefined);
      if (!target) throw directoryNotFound(input.directory);
      if (webhook.directoryId !== null && target !== webhook.directoryId) throw invalidInput(`Webhook ${id} receives the events of directory ${webhook.directoryId} only`);
      directoryId = target;
    }
    if (directoryId === null) throw invalidInput('A global webhook replays one directory at a time: name the directory');
    const oldest = await this.store.webhooks.oldestSequence(directoryId);
    const latest = await this.store.lastSequence(directoryId);
    if (oldest !== undefined && input.from < oldest) throw eventsExpired(input.from - 1, oldest);
    if (input.from > latest + 1) throw invalidInput(`Directory ${directoryId} has no event ${input.from} yet (its latest is ${latest})`);
    const now = this.options.clock().toISOString();
    await this.store.webhooks.changeWebhooks(async (tx) => {
      const locked = await tx.lockWebhook(id);
      if (!locked) throw webhookNotFound(id);
      await tx.resetStream(id, directoryId, input.from - 1);
      await tx.appendAudit(audit(actor, now, 'webhook.replayed', webhookTarget(locked), directoryId, { from: input.from }));
    });
    return this.get(id);
  }

  private async deliverNow(webhook: WebhookRecord, event: DirectoryEvent, body: string, kind: 'test' | 'resend', attempt: number): Promise<DeliveryRecord> {
    const now = this.options.clock();
    const secrets = this.options.secrets.signingSecrets(webhook.secrets, now);
    const result = await sendWebhook(webhook.url, webhookHeaders(event.id, body, secrets, now), body, this.options.timeoutMs);
    const delivery = deliveryRecord({ webhookId: webhook.id, directoryId: event.directoryId, eventId: event.id, eventType: event.type, sequence: event.sequence, attempt, kind }, result, now);
    await this.store.webhooks.insertDelivery(delivery);
    return delivery;
  }

  /** Every directory's name, for views of several webhooks or streams. */
  private async directoryNames(): Promise<DirectoryNameLookup> {
    return new Map((await this.store.listDirectories()).map((d) => [d.id, d.name]));
  }

  /** One webhook's view, its directory's name read after the change (outside its transaction). */
  private async withName(record: WebhookRecord): Promise<WebhookView> {
    const directory = record.directoryId === null ? undefined : await this.store.findDirectory(record.directoryId);
    // findDirectory also matches names: keep the name only if the id matched.
    return webhookView(record, new Map(directory?.id === record.directoryId ? [[directory.id, directory.name]] : []));
  }

  private async requireWebhook(id: string): Promise<WebhookRecord> {
    const webhook = await this.store.webhooks.findWebhook(id);
    if (!webhook || webhook.format === 'notify') throw webhookNotFound(id);
    return webhook;
  }

  private async requireDirectory(ref: string) {
    const directory = await this.store.findDirectoryRecord(ref);
    if (!directory) throw directoryNotFound(ref);
    return directory;
  }
}

const webhookNotFound = (id: string) => notFoundProblem(`No webhook with id ${JSON.stringify(id)}; see "scimd webhook list"`);

function describe(record: WebhookRecord): JsonObject {
  return { url: record.url, description: record.description, eventTypes: record.eventTypes, format: record.format, enabled: record.enabled, global: record.directoryId === null };
}
