/**
 * Counts failed authentications per client address in fixed one-minute windows. Only failures
 * count and a valid credential is never refused: Entra calls from shared Azure address ranges,
 * so blocking an address outright would let one tenant's stale secret lock out another tenant.
 * Past the limit, failures are answered 429 with Retry-After instead of 401, which tells a
 * well-behaved client to back off and spares the server the rejection bookkeeping.
 */
export class FailedAuthLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    /** Failures allowed per address per window; 0 turns the limit off. */
    private readonly limit: number,
    private readonly windowMs = 60_000,
    /** Addresses remembered at most, so a scan from many addresses cannot exhaust memory. */
    private readonly maxTracked = 10_000,
  ) {}

  /** Records a failure; returns the seconds to wait when the address is now over its limit. */
  recordFailure(address: string, now: Date): number | undefined {
    if (this.limit <= 0) return undefined;
    const at = now.getTime();
    let window = this.windows.get(address);
    if (!window || at - window.start >= this.windowMs || at < window.start) {
      this.windows.delete(address);
      window = { start: at, failures: 0 };
      this.prune(at);
      this.windows.set(address, window);
    }
    window.failures += 1;
    if (window.failures <= this.limit) return undefined;
    return Math.max(1, Math.ceil((window.start + this.windowMs - at) / 1000));
  }

  private prune(at: number): void {
    if (this.windows.size < this.maxTracked) return;
    for (const [address, window] of this.windows) {
      if (at - window.start >= this.windowMs) this.windows.delete(address);
    }
    // Still full: forget the oldest windows (a Map iterates in insertion order).
    for (const address of this.windows.keys()) {
      if (this.windows.size < this.maxTracked) break;
      this.windows.delete(address);
    }
  }
}
