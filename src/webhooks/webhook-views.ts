import type { StreamView, WebhookView } from '../admin/api-views.js';
import type { WebhookRecord, WebhookStream } from '../store/webhook-store.js';

export type { DeliveryView, StreamView, WebhookDetails, WebhookView, WebhookWithSecret } from '../admin/api-views.js';

/** Directory names by id, for the names views show beside the ids. */
export type DirectoryNameLookup = ReadonlyMap<string, string>;

export function webhookView(record: WebhookRecord, names: DirectoryNameLookup): WebhookView {
  return {
    id: record.id,
    directoryId: record.directoryId,
    directoryName: record.directoryId === null ? null : (names.get(record.directoryId) ?? null),
    url: record.url,
    description: record.description,
    eventTypes: record.eventTypes,
    format: record.format,
    enabled: record.enabled,
    created: record.created,
    updated: record.updated,
  };
}

export function streamView(stream: WebhookStream, names: DirectoryNameLookup, now: Date): StreamView {
  const leased = stream.leaseOwner !== null && stream.leaseUntil !== null && Date.parse(stream.leaseUntil) > now.getTime();
  const state = stream.pausedAt ? 'paused' : stream.attempts > 0 ? 'retrying' : leased ? 'delivering' : 'idle';
  return {
    directoryId: stream.directoryId,
    directoryName: names.get(stream.directoryId) ?? null,
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
