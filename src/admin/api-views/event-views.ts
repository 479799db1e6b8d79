/** Events, webhooks, their deliveries and notification recipients, as the admin API shows them. */

export type { DirectoryEvent, EventSubject, EventType } from '../../events/event-types.js';

export type WebhookFormat = 'json' | 'scim-set' | 'scim-set-notice' | 'notify';

/** A webhook as the admin API and the CLI show it: never its signing secrets. */
export interface WebhookView {
  id: string;
  /** null: a global webhook, which receives every directory's events. */
  directoryId: string | null;
  /** The directory's name beside its id; null for a global webhook. */
  directoryName: string | null;
  url: string;
  description: string;
  eventTypes: string[];
  format: WebhookFormat;
  enabled: boolean;
  created: string;
  updated: string | null;
}

/** One directory's delivery position for a webhook. */
export interface StreamView {
  directoryId: string;
  /** null once the directory is deleted (its stream can still be replayed by id). */
  directoryName: string | null;
  deliveredSequence: number;
  latestSequence: number;
  /** Events not yet delivered (or skipped by the filter). */
  behind: number;
  state: 'idle' | 'delivering' | 'retrying' | 'paused';
  attempts: number;
  nextAttemptAt: string | null;
  failingSince: string | null;
  pausedAt: string | null;
  pauseReason: string | null;
}

export interface WebhookDetails extends WebhookView {
  streams: StreamView[];
  /** While a rotation's overlap runs: when the previous secret stops signing. */
  previousSecretExpiresAt: string | null;
}

/** Returned once, when a webhook is made or its secret rotated: the only time the secret is shown. */
export interface WebhookWithSecret extends WebhookView {
  secret: string;
  previousSecretExpiresAt: string | null;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dead';
export type DeliveryKind = 'dispatch' | 'resend' | 'test';

/** One attempt to deliver an event to a webhook (or a message to a notification recipient). */
export interface DeliveryView {
  id: string;
  webhookId: string;
  directoryId: string;
  eventId: string;
  eventType: string;
  sequence: number;
  /** 1 for the first try of an event, counting up with each retry. */
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  /** Why it failed when there was no HTTP answer (timeout, refused connection). */
  error: string | null;
  /** The start of the receiver's answer, truncated. */
  responseExcerpt: string | null;
  outcome: DeliveryOutcome;
  kind: DeliveryKind;
}

/** One attempt to reach a notification recipient, as its delivery log lists it. */
export interface NotificationLogEntry extends DeliveryView {
  /** The recipient's e-mail address or masked chat URL. */
  recipient: string;
}

/** Where a notification recipient is reached. */
export type NotificationChannel = 'email' | 'slack' | 'teams';

/** A recipient as the admin API, the CLI and the console show it: never a chat URL in full. */
export interface RecipientView {
  id: string;
  channel: NotificationChannel;
  /** The e-mail address, or the chat host with the URL's last characters. */
  recipient: string;
  /** null: hears about every directory (those created later too) and the admin secrets. */
  directoryId: string | null;
  created: string;
  /** `failing`: the last attempt failed and is being retried; `paused`: retries ran out. */
  state: 'ok' | 'failing' | 'paused';
  failingSince: string | null;
  /** Why the latest attempt failed, while it is failing. */
  lastError: string | null;
  /** Its own newest delivery attempt (GET /notifications only); null before the first. */
  lastDelivery?: DeliveryView | null;
}
