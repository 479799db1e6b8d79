/** How long after a write the directories table is vacuumed, at most once per this interval. */
export const DIRECTORY_VACUUM_MS = 1_000;

/**
 * Vacuums the `directories` table soon after writes, at most once per interval.
 *
 * Every write updates its directory's row (the event sequence and the counts), and concurrent
 * writers of the directory hold key-share locks on that row meanwhile, so its old versions end
 * with a multixact as their deleter. PostgreSQL never marks such a version as surely dead, so
 * index scans never learn to skip it: every lookup of the row (three per write) walks every old
 * version and reads its multixact's members, until a VACUUM removes them. Autovacuum gets to a
 * table at most once a minute (`autovacuum_naptime`), by which time thousands of versions have
 * piled up; measured in docs/performance.md ("Where a PostgreSQL write's time goes").
 */
export class DirectoryVacuum {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly vacuum: () => Promise<void>,
  ) {}

  /** A directory's row was updated: a VACUUM follows within the interval (one for any number of writes). */
  written(): void {
    if (this.timer !== undefined || this.closed || this.intervalMs <= 0) return;
    this.timer = setTimeout(() => {
      // Best effort: a failure (the database away, the table locked) waits for the next write.
      this.running = this.vacuum()
        .catch(() => undefined)
        .finally(() => {
          this.timer = undefined;
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Cancels a pending VACUUM and waits for one that is running. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running) clearTimeout(this.timer);
    await this.running;
  }
}
