/** Why a request was turned away, and when to come back. */
export interface Refusal {
  reason: 'concurrency' | 'rate';
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-directory admission of SCIM requests, so one tenant cannot take all of the server: at most
 * `concurrency` requests in flight and `perMinute` requests a minute (a token bucket that refills
 * continuously, so a burst of a minute's worth is allowed and then a steady rate). 0 turns a
 * limit off. Single process: each replica counts its own requests.
 */
export class DirectoryAdmission {
  private readonly inFlight = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly concurrency: number,
    private readonly perMinute: number,
    private readonly clock: () => Date,
  ) {}

  /** Admits a request (call `release` when its response is done) or says when to retry. */
  admit(directoryId: string): { release: () => void } | Refusal {
    const running = this.inFlight.get(directoryId) ?? 0;
    if (this.concurrency > 0 && running >= this.concurrency) return { reason: 'concurrency', retryAfterSeconds: 1 };
    const wait = this.takeToken(directoryId);
    if (wait > 0) return { reason: 'rate', retryAfterSeconds: wait };
    this.inFlight.set(directoryId, running + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inFlight.get(directoryId) ?? 1) - 1;
        if (left > 0) this.inFlight.set(directoryId, left);
        else this.inFlight.delete(directoryId);
      },
    };
  }

  /** Takes one token; returns 0, or the seconds until a token is back. */
  private takeToken(directoryId: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.clock().getTime();
    const perMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(directoryId) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(directoryId, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    bucket.tokens -= 1;
    return 0;
  }
}
