/**
 * Wakes the waiters of this process when events were appended, so a long-poll or the webhook
 * dispatcher reacts at once to local writes. Other replicas' writes are seen by polling the
 * database; this only shortens the wait. `close()` ends every wait (shutdown).
 */
export class EventNotifier {
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /** Wakes the waiters of `directoryId` and those that wait for any directory; every waiter when no directory is named. */
  notify(directoryId?: string): void {
    for (const waiter of [...this.waiters]) {
      if (directoryId === undefined || waiter.directoryId === null || waiter.directoryId === directoryId) waiter.wake();
    }
  }

  /** Resolves on a notification for the directory (null: any), after `ms`, on `signal`, or on close. */
  wait(directoryId: string | null, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        directoryId,
        wake: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', waiter.wake);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      signal?.addEventListener('abort', waiter.wake, { once: true });
      this.waiters.add(waiter);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.wake();
  }
}

interface Waiter {
  directoryId: string | null;
  wake(): void;
}
