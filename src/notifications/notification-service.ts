import { invalidInput, notFoundProblem } from '../admin/admin-error.js';
import { deliveryRecord } from '../webhooks/delivery-record.js';
import { directoryNotFound } from '../admin/admin-refusals.js';
import { audit } from '../admin/admin-service.js';
import type { Actor } from '../admin/admin-views.js';
import type { Encryptor } from '../auth/encryption.js';
import { randomId } from '../auth/secret-format.js';
import type { Store } from '../store/store.js';
import type { DeliveryRecord, NotificationRecipientRecord, WebhookRecord } from '../store/webhook-store.js';
import type { NotificationDelivery } from './notification-delivery.js';
import { parseRecipient } from './recipient-address.js';
import { recipientView, type RecipientView } from './notification-views.js';

export type { RecipientView } from './notification-views.js';

export type { NotificationLogEntry } from '../admin/api-views.js';
import type { NotificationLogEntry } from '../admin/api-views.js';

const MAX_LOG_PAGE = 500;

/**
 * Administration of notification recipients, for the admin API and the CLI's local mode. A
 * recipient is a `notify` webhook row (its streams, retries and delivery log) plus the channel
 * and address; both are written in one transaction with the audit entry.
 */
export class NotificationService {
  constructor(
    private readonly store: Store,
    private readonly options: { clock: () => Date; encryptor: Encryptor; delivery: () => NotificationDelivery },
  ) {}

  async list(): Promise<RecipientView[]> {
    const recipients = await this.store.webhooks.listRecipients();
    return Promise.all(recipients.map((r) => this.view(r)));
  }

  async create(actor: Actor, input: { recipient: string; directory?: string }): Promise<RecipientView> {
    const parsed = parseRecipient(String(input.recipient ?? ''));
    let directoryId: string | null = null;
    if (input.directory !== undefined) {
      const directory = await this.store.findDirectoryRecord(input.directory);
      if (!directory) throw directoryNotFound(input.directory);
      directoryId = directory.id;
    }
    const now = this.options.clock().toISOString();
    const id = randomId('ntf');
    const webhook: WebhookRecord = {
      id,
      directoryId,
      // The address lives in notification_recipients (a chat URL encrypted); the row only routes.
      url: `notify:${parsed.channel}`,
      description: parsed.label,
      // Every event type: the templates decide what people are told about.
      eventTypes: [],
      format: 'notify',
      secrets: '',
      enabled: true,
      created: now,
      updated: null,
    };
    const recipient: NotificationRecipientRecord = {
      id,
      channel: parsed.channel,
      address: parsed.channel === 'email' ? parsed.address : this.options.encryptor.encrypt(parsed.address),
      label: parsed.label,
      created: now,
    };
    await this.store.webhooks.changeWebhooks(async (tx) => {
      await tx.insertWebhook(webhook);
      await tx.insertRecipient(recipient);
      await tx.appendAudit(audit(actor, now, 'notification.recipient_added', { type: 'webhook', id, name: parsed.label }, directoryId, { channel: parsed.channel, recipient: parsed.label }));
    });
    return this.view(recipient, directoryId);
  }

  async remove(actor: Actor, id: string): Promise<RecipientView> {
    const current = await this.require(id);
    const view = await this.view(current);
    const now = this.options.clock().toISOString();
    await this.store.webhooks.changeWebhooks(async (tx) => {
      const webhook = await tx.lockWebhook(id);
      if (!webhook || webhook.format !== 'notify') throw recipientNotFound(id);
      await tx.deleteWebhook(id);
      await tx.appendAudit(audit(actor, now, 'notification.recipient_removed', { type: 'webhook', id, name: current.label }, webhook.directoryId, { channel: current.channel, recipient: current.label }));
    });
    return view;
  }

  /** Sends a sample message now and logs it as a test delivery; nothing else moves. */
  async test(actor: Actor, id: string): Promise<DeliveryRecord> {
    const recipient = await this.require(id);
    const webhook = await this.store.webhooks.findWebhook(id);
    const now = this.options.clock();
    const delivery = this.options.delivery();
    const message = (await delivery.compose({ type: 'notify.test', directoryId: '', data: { requestedBy: actor.id } }, now))!;
    const result = await delivery.sendTo(recipient, message);
    const record = deliveryRecord({ webhookId: id, directoryId: webhook?.directoryId ?? '', eventId: randomId('evt_test'), eventType: 'notify.test', sequence: 0, attempt: 1, kind: 'test' }, result, now);
    await this.store.webhooks.insertDelivery(record);
    return record;
  }

  /** The delivery log of every recipient (or one), newest first. */
  async log(query: { recipient?: string; limit?: number } = {}): Promise<{ deliveries: NotificationLogEntry[] }> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_PAGE) throw invalidInput(`limit must be an integer from 1 to ${MAX_LOG_PAGE}`);
    const recipients = query.recipient === undefined ? await this.store.webhooks.listRecipients() : [await this.require(query.recipient)];
    const entries: NotificationLogEntry[] = [];
    for (const recipient of recipients) {
      for (const delivery of await this.store.webhooks.listDeliveries({ webhookId: recipient.id, limit })) entries.push({ ...delivery, recipient: recipient.label });
    }
    entries.sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
    return { deliveries: entries.slice(0, limit) };
  }

  private async require(id: string): Promise<NotificationRecipientRecord> {
    const recipient = await this.store.webhooks.findRecipient(id);
    if (!recipient) throw recipientNotFound(id);
    return recipient;
  }

  private view(recipient: NotificationRecipientRecord, knownDirectoryId?: string | null): Promise<RecipientView> {
    return recipientView(this.store, recipient, knownDirectoryId);
  }
}


const recipientNotFound = (id: string) => notFoundProblem(`No notification recipient with id ${JSON.stringify(id)}; see "scimd notify list"`);
