import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Flushes one open file to disk; fdatasync on libuv's thread pool by default. */
export type SyncFile = (fd: number) => Promise<void>;

const fdatasyncOnThreadPool: SyncFile = (fd) =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

/**
 * Group commit for SQLite in WAL mode. The connection commits with synchronous=NORMAL, which
 * appends the transaction to the write-ahead log without waiting for the disk. Before a write is
 * acknowledged, and before anyone may read it, one fdatasync of the log makes it durable. That
 * sync runs off the event loop, and every commit made while one sync is in flight shares the
 * next: N concurrent writers pay for about one fsync instead of N, and the loop keeps serving
 * requests while the disk works. Acknowledged writes are exactly as durable as with FULL.
 */
export class WalSync {
  private committed = 0;
  private durable = 0;
  private inFlight: Promise<void> | undefined;
  private fd: number | undefined;
  private syncs = 0;

  constructor(
    private readonly walPath: string,
    private readonly syncFile: SyncFile = fdatasyncOnThreadPool,
  ) {}

  /** Records a commit the log now holds; the ticket is what `waitDurable` waits for. */
  noteCommit(): number {
    return ++this.committed;
  }

  /** True while some commit may be readable but not yet on disk. */
  get pending(): boolean {
    return this.durable < this.committed;
  }

  /** Resolves once every commit up to `ticket` (by default, every commit so far) is on disk. */
  async waitDurable(ticket = this.committed): Promise<void> {
    while (this.durable < ticket) {
      // A sync that started before this commit does not cover it: wait for it, then start the next.
      this.inFlight ??= this.syncNow();
      await this.inFlight;
    }
  }

  /** Commits recorded and syncs run so far, for metrics. */
  counts(): { commits: number; syncs: number } {
    return { commits: this.committed, syncs: this.syncs };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private async syncNow(): Promise<void> {
    const covers = this.committed;
    try {
      await this.syncFile(this.walFd());
      this.syncs++;
      this.durable = Math.max(this.durable, covers);
    } finally {
      this.inFlight = undefined;
    }
  }

  /**
   * The log is opened on the first sync, when a commit has created it. SQLite keeps the same file
   * while its connection is open (it rewinds it after a checkpoint rather than replacing it), so
   * one descriptor serves for the connection's life. The directory is synced once, so the log's
   * own directory entry survives a power loss too.
   */
  private walFd(): number {
    if (this.fd === undefined) {
      this.fd = openSync(this.walPath, 'r');
      const directory = openSync(dirname(this.walPath), 'r');
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
    }
    return this.fd;
  }
}
