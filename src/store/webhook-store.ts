import type { DeliveryOutcome, DeliveryView, NotificationChannel, WebhookView } from '../admin/api-views.js';
import type { AuditEntry } from './store.js';

// How a webhook's body is shaped (`notify` rows are notification recipients, src/notifications),
// where a recipient is reached, and what a delivery attempt came to: admin API views (api-views.ts).
export type { DeliveryKind, DeliveryOutcome, NotificationChannel, WebhookFormat } from '../admin/api-views.js';

/** The person (or chat) behind a `notify` webhook row, stored under the same id. */
export interface NotificationRecipientRecord {
  id: string;
  channel: NotificationChannel;
  /** The e-mail address, or the chat's incoming-webhook URL encrypted (it works as a credential). */
  address: string;
  /** What lists show: the address, or the chat host with the URL's last characters. */
  label: string;
  created: string;
}

/**
 * A webhook endpoint as stored: what the admin API shows, plus `secrets`, the encrypted
 * signing-secret list (see src/webhooks/webhook-secrets.ts), which no view carries. The
 * directory's name is not stored but looked up for each view, so a renamed directory shows its new name.
 */
export interface WebhookRecord extends Omit<WebhookView, 'directoryName'> {
  secrets: string;
}

/**
 * One webhook's delivery position in one directory's events: delivered in order, one event at a
 * time, by whichever process holds the lease.
 */
export interface WebhookStream {
  webhookId: string;
  directoryId: string;
  /** Every event up to this sequence was delivered (or skipped by the filter). */
  deliveredSequence: number;
  /** Failed attempts at the next event since it last succeeded. */
  attempts: number;
  nextAttemptAt: string | null;
  /** When the current run of failures began: the retry window is measured from here. */
  failingSince: string | null;
  /** Set when the retry window ran out: the stream waits for a replay (dead-lettered). */
  pausedAt: string | null;
  pauseReason: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  /** The directory's latest sequence, for how far behind the stream is. */
  latestSequence: number;
}

/** One attempt to deliver one event to one webhook, as the delivery log keeps it and the API shows it. */
export type DeliveryRecord = DeliveryView;

export interface DeliveryQuery {
  webhookId: string;
  directoryId?: string;
  outcome?: DeliveryOutcome;
  limit: number;
  /** Entries older than the delivery with this id (the previous page's last). */
  before?: string;
}

/** A stream a process may deliver now, with its webhook. */
export interface ClaimedStream {
  stream: WebhookStream;
  webhook: WebhookRecord;
}

/** What a finished attempt changes on its stream; applied only while the lease is still held. */
export type StreamProgress =
  | { kind: 'advanced'; deliveredSequence: number }
  | { kind: 'retry'; attempts: number; nextAttemptAt: string; failingSince: string }
  | { kind: 'paused'; attempts: number; failingSince: string; pausedAt: string; reason: string };

/** The statements of one webhook change, in one transaction with its audit entry. */
export interface WebhookTransaction {
  /** Inserts a webhook and starts its streams at each covered directory's latest sequence. */
  insertWebhook(webhook: WebhookRecord): Promise<void>;
  /** Reads a webhook and locks its row until commit. */
  lockWebhook(id: string): Promise<WebhookRecord | undefined>;
  updateWebhook(webhook: WebhookRecord): Promise<void>;
  deleteWebhook(id: string): Promise<void>;
  /**
   * Moves a stream so delivery resumes after `deliveredSequence`, clearing failures, a pause and
   * any lease (an attempt in flight then cannot commit over it); creates the stream if needed.
   */
  resetStream(webhookId: string, directoryId: string, deliveredSequence: number): Promise<void>;
  /** Stores the recipient of a `notify` webhook inserted in the same transaction; it goes with the webhook. */
  insertRecipient(recipient: NotificationRecipientRecord): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;
}

/** Webhook endpoints, their delivery streams and the delivery log. */
export interface WebhookStore {
  changeWebhooks<T>(work: (tx: WebhookTransaction) => Promise<T>): Promise<T>;
  findWebhook(id: string): Promise<WebhookRecord | undefined>;
  /** Webhooks of one directory (and, with `includeGlobal`, the global ones); all when undefined. */
  listWebhooks(filter?: { directoryId: string; includeGlobal: boolean }): Promise<WebhookRecord[]>;
  listStreams(webhookId: string): Promise<WebhookStream[]>;
  findRecipient(id: string): Promise<NotificationRecipientRecord | undefined>;
  /** Every notification recipient, oldest first. */
  listRecipients(): Promise<NotificationRecipientRecord[]>;
  /** The newest delivery of each notification recipient that has one, however busy the others are. */
  latestRecipientDeliveries(): Promise<DeliveryRecord[]>;
  /** The oldest sequence of a directory still in the outbox (undefined when it holds none). */
  oldestSequence(directoryId: string): Promise<number | undefined>;

  /**
   * Leases streams that have undelivered events and are due: not paused, not leased by a live
   * process, past their next attempt time. Each stream is leased by one process at a time.
   */
  claimStreams(owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedStream[]>;
  /** Extends a lease; false when it was lost (expired and taken, replayed, webhook deleted). */
  renewLease(owner: string, webhookId: string, directoryId: string, leaseUntil: string): Promise<boolean>;
  /**
   * Records an attempt and moves the stream, in one transaction, if `owner` still holds the
   * lease; false (and nothing written) otherwise. A null delivery moves without logging.
   */
  recordProgress(owner: string, webhookId: string, directoryId: string, progress: StreamProgress, delivery: DeliveryRecord | null): Promise<boolean>;
  /** Gives up the owner's leases (one stream's, or all on shutdown) so another process continues at once. */
  releaseLeases(owner: string, webhookId?: string, directoryId?: string): Promise<void>;
  /** Creates streams of global webhooks for new directories, from sequence 0. */
  addGlobalStreams(): Promise<void>;
  /** Ends streams of deleted directories once they delivered every remaining event. */
  removeFinishedStreams(): Promise<void>;

  insertDelivery(delivery: DeliveryRecord): Promise<void>;
  findDelivery(id: string): Promise<DeliveryRecord | undefined>;
  /** Newest first. */
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  purgeDeliveries(before: string): Promise<number>;
  /** Undelivered events over every enabled, unpaused stream, and how many streams are paused (for /metrics). */
  backlog(): Promise<{ pending: number; paused: number }>;
}
