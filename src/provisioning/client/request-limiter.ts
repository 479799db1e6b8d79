/** The limiter's notion of time: real by default; tests pass a virtual clock whose sleep moves it. */
export interface LimiterTiming {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const REAL_TIMING: LimiterTiming = { now: Date.now, sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

/**
 * Keeps the client within a target's limits: at most `concurrency` requests in flight, at most
 * `ratePerSecond` started per second (0: no limit), and none at all while the target has asked
 * us to wait (a Retry-After pauses every request to that target, not just the one throttled).
 */
export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private nextStart = 0;

  constructor(
    private readonly concurrency: number,
    private readonly ratePerSecond: number,
    /** Shared by every limiter of one target, so a pause outlives the client that was told (the next cycle waits too). */
    private readonly pause: TargetPause = { until: 0 },
    private readonly timing: LimiterTiming = REAL_TIMING,
  ) {
    if (!(concurrency >= 1)) throw new Error('concurrency must be at least 1');
  }

  /** Waits for a slot; call the returned function when the request is done. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    for (;;) {
      const now = this.timing.now();
      const wait = Math.max(this.pause.until - now, this.ratePerSecond > 0 ? this.nextStart - now : 0);
      if (wait <= 0) break;
      await this.timing.sleep(wait);
    }
    if (this.ratePerSecond > 0) this.nextStart = Math.max(this.timing.now(), this.nextStart) + 1000 / this.ratePerSecond;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  /**
   * Waits out a pause that began while the caller held its slot (a Retry-After read by another
   * request during an await of its own). Resolves in the same tick when there is none, so a
   * request sent right after it cannot start inside a pause.
   */
  async settle(): Promise<void> {
    for (let wait = this.pause.until - this.timing.now(); wait > 0; wait = this.pause.until - this.timing.now()) await this.timing.sleep(wait);
  }

  /** Whether a pause holds requests now. */
  paused(): boolean {
    return this.pause.until > this.timing.now();
  }

  /** Holds every new request until the given time. */
  pauseUntil(time: number): void {
    this.pause.until = Math.max(this.pause.until, time);
  }
}

export interface TargetPause {
  until: number;
}

const pauses = new Map<string, TargetPause>();

/** The pause of a target (by base URL) for this process: a Retry-After holds every client of it. */
export function targetPause(baseUrl: string): TargetPause {
  let pause = pauses.get(baseUrl);
  if (!pause) pauses.set(baseUrl, (pause = { until: 0 }));
  return pause;
}
