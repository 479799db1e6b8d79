export interface WaitOptions {
  /** Generous by default: CI machines can be several times slower than a laptop. */
  timeoutMs?: number;
  intervalMs?: number;
  /** More to say when it times out, e.g. a server's output so far. */
  detail?: () => string;
}

/**
 * Polls `probe` until it returns a truthy value, and returns that value. Tests wait for
 * conditions this way rather than sleeping a fixed time, so a slow machine only makes them slower.
 */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${options.detail ? `\n${options.detail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
