import type { DeliveryRecord, WebhookFormat, WebhookRecord, WebhookStream } from '../store/webhook-store.js';

/** A webhook as the admin API and the CLI show it: never its signing secrets. */
export interface WebhookView {
  id: string;
  /** null: a global webhook, which receives every directory's events. */
  directoryId: string | null;
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

export type DeliveryView = DeliveryRecord;

export function webhookView(record: WebhookRecord): WebhookView {
  return {
    id: record.id,
    directoryId: record.directoryId,
    url: record.url,
    description: record.description,
    eventTypes: record.eventTypes,
    format: record.format,
    enabled: record.enabled,
    created: record.created,
    updated: record.updated,
  };
}

export function streamView(stream: WebhookStream, now: Date): StreamView {
  const leased = stream.leaseOwner !== null && stream.leaseUntil !== null && Date.parse(stream.leaseUntil) > now.getTime();
  const state = stream.pausedAt ? 'paused' : stream.attempts > 0 ? 'retrying' : leased ? 'delivering' : 'idle';
  return {
    directoryId: stream.directoryId,
    deliveredSequence: stream.deliveredSequence,
    latestSequence: stream.latestSequence,
    behind: Math.max(0, stream.latestSequence - stream.deliveredSequence),
    state,
    attempts: stream.attempts,
    nextAttemptAt: stream.nextAttemptAt,
    failingSince: stream.failingSince,
    pausedAt: stream.pausedAt,
    pauseReason: stream.pauseReason,
  };
}
