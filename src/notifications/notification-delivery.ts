import type { Encryptor } from '../auth/encryption.js';
import { isSystemStream } from '../events/system-streams.js';
import type { Store } from '../store/store.js';
import type { NotificationRecipientRecord } from '../store/webhook-store.js';
import { sendWebhook, type SendResult } from '../webhooks/webhook-sender.js';
import { slackPayload, teamsPayload } from './chat-render.js';
import { renderEmail } from './email-render.js';
import { EmailSender } from './email-sender.js';
import type { NotificationMessage } from './notification-message.js';
import { notificationFor, type NotifiableEvent } from './notification-templates.js';
import type { NotifyConfig } from './notify-config.js';

/**
 * Turns outbox events into messages and sends them to one recipient's channel. The webhook
 * dispatcher calls it for `notify` streams, so notifications inherit the streams' guarantees:
 * one process per stream across replicas, retries with backoff, the delivery log.
 */
export class NotificationDelivery {
  private readonly email: EmailSender;

  constructor(
    private readonly store: Store,
    private readonly encryptor: Encryptor,
    private readonly config: NotifyConfig,
    private readonly timeoutMs: number,
  ) {
    this.email = new EmailSender({ ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}), ...(config.from ? { from: config.from } : {}), timeoutMs });
  }

  /**
   * The message for an event, or undefined when people are not told about this kind of event.
   * Events of a stream of no directory (connections, admin secrets) reach templates without one.
   */
  async compose(event: NotifiableEvent, now: Date): Promise<NotificationMessage | undefined> {
    const directoryId = isSystemStream(event.directoryId) ? '' : event.directoryId;
    const directory = directoryId ? await this.store.findDirectoryRecord(directoryId) : undefined;
    return notificationFor({ ...event, directoryId }, {
      now,
      ...(directory ? { directoryName: directory.name } : {}),
      ...(this.config.publicUrl ? { publicUrl: this.config.publicUrl } : {}),
    });
  }

  /** Sends a message to the recipient stored under `recipientId`. */
  async send(recipientId: string, message: NotificationMessage, signal?: AbortSignal): Promise<SendResult> {
    const recipient = await this.store.webhooks.findRecipient(recipientId);
    if (!recipient) return { ok: false, statusCode: null, durationMs: 0, error: `recipient ${recipientId} is gone`, responseExcerpt: null };
    return this.sendTo(recipient, message, signal);
  }

  async sendTo(recipient: NotificationRecipientRecord, message: NotificationMessage, signal?: AbortSignal): Promise<SendResult> {
    if (recipient.channel === 'email') return this.email.send(recipient.address, renderEmail(message));
    const url = this.encryptor.decrypt(recipient.address);
    const body = JSON.stringify(recipient.channel === 'slack' ? slackPayload(message) : teamsPayload(message));
    return sendWebhook(url, { 'content-type': 'application/json', 'user-agent': 'scimd-notifications' }, body, this.timeoutMs, signal);
  }

  close(): void {
    this.email.close();
  }
}
