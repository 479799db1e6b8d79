import type { Store } from '../store/store.js';
import { ActivityRecorder } from './activity-recorder.js';
import type { LifecycleLogger } from './lifecycle-logger.js';
import { LifecycleSweeper, type SweepReport } from './lifecycle-sweeper.js';
import { SecretUsage } from './secret-usage.js';

export interface LifecycleOptions {
  store: Store;
  log: LifecycleLogger;
  clock: () => Date;
  warningDays: number[];
  eventRetentionMs: number;
  /** See SweeperOptions.quietAfterMs. */
  quietAfterMs?: number;
  /** How often buffered activity is written; 0 writes only on `flush()` and `close()`. */
  activityFlushMs: number;
}

/**
 * The secret lifecycle of one server: connection activity, first use and rejections as requests
 * arrive, and the sweeper for what happens with time. The sweeper's timer is started by
 * `scimd serve` (`startSweeper`); tests call `runOnce(now)` instead.
 */
export class Lifecycle {
  readonly activity: ActivityRecorder;
  readonly usage: SecretUsage;
  readonly sweeper: LifecycleSweeper;

  constructor(options: LifecycleOptions) {
    this.activity = new ActivityRecorder(options.store, options.log);
    this.usage = new SecretUsage(options.store, this.activity, options.log);
    this.sweeper = new LifecycleSweeper({ ...options, beforeSweep: () => this.activity.flush() });
    this.activity.start(options.activityFlushMs);
  }

  /** Writes buffered connection activity now. */
  flush(): Promise<void> {
    return this.activity.flush();
  }

  /** One lifecycle sweep at `now`: warnings, expiries, automatic revocations, event retention. */
  runOnce(now?: Date): Promise<SweepReport> {
    return this.sweeper.runOnce(now);
  }

  /** Sweeps at start and then every `intervalMs` (one minute in `scimd serve`). */
  startSweeper(intervalMs = 60_000): void {
    this.sweeper.start(intervalMs);
  }

  /** Stops the timers and flushes what is buffered, so a clean shutdown loses no counts. */
  async close(): Promise<void> {
    await this.sweeper.stop();
    await this.activity.close();
  }
}
