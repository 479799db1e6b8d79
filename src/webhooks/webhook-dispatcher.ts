import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliveryRecord } from './delivery-record.js';
import { hostname } from 'node:os';
import type { DirectoryEvent } from '../events/event-types.js';
import type { EventNotifier } from '../events/event-notifier.js';
import type { NotificationDelivery } from '../notifications/notification-delivery.js';
import type { Store } from '../store/store.js';
import type { ClaimedStream, DeliveryRecord, StreamProgress, WebhookRecord, WebhookStream } from '../store/webhook-store.js';
import { matchesEventType } from './event-type-filter.js';
import { retryDelay, type RetryPolicy } from './retry-schedule.js';
import { webhookBody, webhookHeaders } from './webhook-payload.js';
import type { WebhookSecrets } from './webhook-secrets.js';
import { sendWebhook, type SendResult } from './webhook-sender.js';
import { countDelivery, watchBacklog } from './webhook-metrics.js';

export interface DispatcherLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface DispatcherOptions {
  store: Store;
  secrets: WebhookSecrets;
  /** Composes and sends the messages of `notify` streams (notification recipients). */
  notifications: NotificationDelivery;
  notifier: EventNotifier;
  clock: () => Date;
  log: DispatcherLog;
  policy: RetryPolicy;
  /** Longest wait for a receiver's answer. */
  timeoutMs: number;
  /** How often the database is checked for events written by other processes, and for due retries. */
  pollMs: number;
  /** Streams this process delivers at once. */
  concurrency: number;
  /**
   * Least time between two claims when the first started nothing. Every write of this process
   * wakes the dispatcher, and without a gap a steady stream of writes costs a claim (a query, and
   * on PostgreSQL a round trip) per write, even where no webhook is configured. A new event waits
   * at most this long more for its first delivery.
   */
  claimGapMs: number;
  /** The delivery log keeps entries this long. */
  logRetentionMs: number;
  random?: () => number;
}

/** Events read per query while a stream catches up. */
const BATCH = 100;
const MAINTENANCE_MS = 10_000;

/**
 * Delivers the outbox to webhooks in the background of `scimd serve`, never inside a SCIM
 * request. Each (webhook, directory) stream is leased by one process and delivered in sequence
 * order, one event at a time; the stream's position moves only after a 2xx, in the same
 * transaction as its log entry, so a crash repeats at most the event in flight (at least once).
 * A failure waits an exponential, jittered delay; once an event has failed for the whole retry
 * window the stream is paused (dead-lettered) until an admin replays it.
 */
export class WebhookDispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly active = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  private lastMaintenance = 0;
  private unwatch?: () => void;

  /** Claims made since start, whether they found something or not. */
  claims = 0;

  constructor(private readonly options: DispatcherOptions) {}

  /** Starts the background loop (once). */
  start(issuer: string): void {
    if (this.loop) return;
    this.unwatch = watchBacklog(this.options.store.webhooks);
    this.loop = this.run(issuer);
  }

  /** Stops claiming, aborts attempts in flight (they count as not made) and hands the leases back. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.unwatch?.();
    this.stopping.abort();
    await this.loop;
    await Promise.allSettled(this.active.values());
    await this.options.store.webhooks.releaseLeases(this.owner).catch(() => undefined);
  }

  /** Claims due streams and starts delivering them; resolves to how many it started. */
  async tick(issuer: string): Promise<number> {
    const { store, clock, concurrency } = this.options;
    const now = clock();
    if (now.getTime() - this.lastMaintenance >= MAINTENANCE_MS) {
      this.lastMaintenance = now.getTime();
      await store.webhooks.addGlobalStreams();
      await store.webhooks.removeFinishedStreams();
      await store.webhooks.purgeDeliveries(new Date(now.getTime() - this.options.logRetentionMs).toISOString());
    }
    const free = concurrency - this.active.size;
    if (free <= 0) return 0;
    this.claims++;
    const claimed = await store.webhooks.claimStreams(this.owner, now.toISOString(), this.leaseUntil(), free);
    for (const item of claimed) {
      const key = `${item.stream.webhookId} ${item.stream.directoryId}`;
      const task = this.deliverStream(item, issuer)
        .catch((err) => this.options.log.error({ err, webhookId: item.webhook.id, directoryId: item.stream.directoryId }, 'webhook delivery failed'))
        .finally(() => {
          this.active.delete(key);
          this.options.notifier.notify(item.stream.directoryId);
        });
      this.active.set(key, task);
    }
    return claimed.length;
  }

  private async run(issuer: string): Promise<void> {
    const signal = this.stopping.signal;
    const { notifier } = this.options;
    // The notifier closes when the app starts closing; the dispatcher is stopped right after.
    while (!signal.aborted && !notifier.isClosed) {
      // SQLite answers synchronously: yield to I/O on every round so the loop can never starve it.
      await new Promise((resolve) => setImmediate(resolve));
      const claimedAt = performance.now();
      let started = 0;
      try {
        started = await this.tick(issuer);
      } catch (err) {
        this.options.log.error({ err }, 'webhook dispatcher could not read its streams');
      }
      if (started || signal.aborted) continue;
      await notifier.wait(null, this.options.pollMs, signal);
      const gap = claimedAt + this.options.claimGapMs - performance.now();
      if (gap > 0) await sleep(gap, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Delivers one leased stream until it is caught up, fails, or loses its lease. */
  private async deliverStream({ stream, webhook }: ClaimedStream, issuer: string): Promise<void> {
    const { store, clock } = this.options;
    const signal = this.stopping.signal;
    let position = stream.deliveredSequence;
    let attempts = stream.attempts;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const events = await store.readEvents(stream.directoryId, position, BATCH);
      if (!events.length) break;
      for (const event of events) {
        if (signal.aborted) return;
        const attempt = await this.prepare(webhook, event, issuer, signal);
        if (attempt === undefined) {
          // Filtered out: the position moves past it without a delivery.
          if (!(await this.progress(stream, { kind: 'advanced', deliveredSequence: event.sequence }, null))) return;
          position = event.sequence;
          continue;
        }
        if (!(await store.webhooks.renewLease(this.owner, stream.webhookId, stream.directoryId, this.leaseUntil()))) return;
        const now = clock();
        const result = await attempt(now);
        if (signal.aborted) return;
        attempts += 1;
        const delivery = { ...deliveryRecord({ webhookId: webhook.id, directoryId: stream.directoryId, eventId: event.id, eventType: event.type, sequence: event.sequence, attempt: attempts, kind: 'dispatch' }, result, now), outcome: 'delivered' as const };
        if (result.ok) {
          if (!(await this.progress(stream, { kind: 'advanced', deliveredSequence: event.sequence }, delivery))) return;
          position = event.sequence;
          attempts = 0;
          stream.failingSince = null;
          continue;
        }
        await this.failed(stream, delivery, attempts, clock());
        return;
      }
    }
    await store.webhooks.releaseLeases(this.owner, stream.webhookId, stream.directoryId);
  }

  /**
   * How one event reaches this stream's receiver, or undefined when it is skipped: outside the
   * webhook's event types, without a form in its format, or not something people are told about.
   */
  private async prepare(webhook: WebhookRecord, event: DirectoryEvent, issuer: string, signal: AbortSignal): Promise<((now: Date) => Promise<SendResult>) | undefined> {
    if (webhook.format === 'notify') {
      const { notifications, clock } = this.options;
      const message = await notifications.compose(event, clock());
      return message && (() => notifications.send(webhook.id, message, signal));
    }
    const body = matchesEventType(webhook.eventTypes, event.type) ? webhookBody(event, webhook.format, issuer) : undefined;
    if (body === undefined) return undefined;
    return (now) => {
      const secrets = this.options.secrets.signingSecrets(webhook.secrets, now);
      return sendWebhook(webhook.url, webhookHeaders(event.id, body, secrets, now), body, this.options.timeoutMs, signal);
    };
  }

  /** Schedules the next attempt, or dead-letters the stream when the retry window has run out. */
  private async failed(stream: WebhookStream, delivery: DeliveryRecord, attempts: number, now: Date): Promise<void> {
    const failingSince = stream.failingSince ?? delivery.at;
    const failingFor = now.getTime() - Date.parse(failingSince);
    if (failingFor >= this.options.policy.windowMs) {
      const reason = `event ${delivery.sequence} (${delivery.eventType}) failed ${attempts} times over ${Math.round(failingFor / 1000)} s`;
      if (await this.progress(stream, { kind: 'paused', attempts, failingSince, pausedAt: now.toISOString(), reason }, { ...delivery, outcome: 'dead' })) {
        this.options.log.warn(
          { webhookId: stream.webhookId, directoryId: stream.directoryId, sequence: delivery.sequence, attempts },
          `webhook delivery dead-lettered: ${reason}; the stream is paused until it is replayed`,
        );
      }
      return;
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelay(this.options.policy, attempts, this.options.random)).toISOString();
    await this.progress(stream, { kind: 'retry', attempts, nextAttemptAt, failingSince }, { ...delivery, outcome: 'failed' });
  }

  private async progress(stream: WebhookStream, progress: StreamProgress, delivery: DeliveryRecord | null): Promise<boolean> {
    const recorded = await this.options.store.webhooks.recordProgress(this.owner, stream.webhookId, stream.directoryId, progress, delivery);
    if (recorded && delivery) countDelivery(delivery.outcome);
    return recorded;
  }

  /** A lease outlasts one attempt (the timeout) with room to write its result. */
  private leaseUntil(): string {
    return new Date(this.options.clock().getTime() + this.options.timeoutMs + 5_000).toISOString();
  }
}
