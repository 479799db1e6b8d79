import type { ActivityBatch, DirectoryActivity, SecretUse, Store } from '../store/store.js';
import type { LifecycleLogger } from './lifecycle-logger.js';

/** Who made a request, as connection status shows it. */
export interface ClientInfo {
  at: Date;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Buffers request activity (counts, last request, last use of each secret, rejected secrets) in
 * memory and adds it to the database every few seconds, so a request never waits for a write
 * of its own. Counters are added, not set, so replicas add up. `close()` flushes what is left.
 */
export class ActivityRecorder {
  private directories = new Map<string, DirectoryActivity>();
  private secrets = new Map<string, SecretUse>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: LifecycleLogger,
  ) {}

  /** An authenticated request to a directory and the status it was answered with. */
  request(directoryId: string, client: ClientInfo, status: number): void {
    const activity = this.directory(directoryId);
    activity.requests += 1;
    if (status >= 400) activity.errors += 1;
    const at = client.at.toISOString();
    if (!activity.lastRequest || activity.lastRequest.at <= at) activity.lastRequest = { at, ip: client.ip, userAgent: client.userAgent };
  }

  /** A secret authenticated a request (or a token request): its last-use fields. */
  secretUsed(secretId: string, client: ClientInfo): void {
    const at = client.at.toISOString();
    const previous = this.secrets.get(secretId);
    if (!previous || previous.at <= at) this.secrets.set(secretId, { secretId, at, ip: client.ip, userAgent: client.userAgent });
  }

  /** A request refused because its secret had expired or was revoked. */
  rejected(directoryId: string, secretId: string, reason: 'expired' | 'revoked', client: ClientInfo): void {
    const activity = this.directory(directoryId);
    activity.rejected += 1;
    const at = client.at.toISOString();
    if (!activity.lastRejection || activity.lastRejection.at <= at) activity.lastRejection = { at, secretId, reason };
  }

  /** Flushes every `intervalMs` until `close()`; the timer never keeps the process alive. */
  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  /**
   * Writes the buffered activity (see `Store.recordActivity`). Flushes run one at a time; when
   * one fails (the database is away) its activity goes back into the buffer for the next attempt.
   */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      const batch: ActivityBatch = { directories: [...this.directories.values()], secrets: [...this.secrets.values()] };
      if (!batch.directories.length && !batch.secrets.length) return;
      this.directories = new Map();
      this.secrets = new Map();
      try {
        await this.store.recordActivity(batch);
      } catch (err) {
        this.restore(batch);
        this.log.warn({ err }, 'could not record connection activity; will retry');
        throw err;
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => undefined);
  }

  private directory(directoryId: string): DirectoryActivity {
    let activity = this.directories.get(directoryId);
    if (!activity) this.directories.set(directoryId, (activity = { directoryId, requests: 0, errors: 0, rejected: 0 }));
    return activity;
  }

  private restore(batch: ActivityBatch): void {
    for (const old of batch.directories) {
      const activity = this.directory(old.directoryId);
      activity.requests += old.requests;
      activity.errors += old.errors;
      activity.rejected += old.rejected;
      if (old.lastRequest && (!activity.lastRequest || activity.lastRequest.at < old.lastRequest.at)) activity.lastRequest = old.lastRequest;
      if (old.lastRejection && (!activity.lastRejection || activity.lastRejection.at < old.lastRejection.at)) activity.lastRejection = old.lastRejection;
    }
    for (const use of batch.secrets) {
      const current = this.secrets.get(use.secretId);
      if (!current || current.at < use.at) this.secrets.set(use.secretId, use);
    }
  }
}
