import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isDeadLocalOwner } from '../../store/lease-owner.js';
import type { ConnectionStore } from '../store/connection-store.js';

const LEASE_MS = 60_000;
const RENEW_MS = 15_000;

/**
 * One cycle of a connection at a time, across processes and replicas: a lease in the
 * connection's row, renewed while the cycle runs. A process that died leaves a lease that
 * expires, or, on the same host, is taken over at once because its process id is gone.
 */
export class CycleLease {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: ConnectionStore,
    private readonly connectionId: string,
  ) {}

  async acquire(): Promise<boolean> {
    const now = Date.now();
    const acquired = await this.store.acquireLease(this.connectionId, this.owner, new Date(now + LEASE_MS).toISOString(), new Date(now).toISOString(), isDeadLocalOwner);
    if (acquired) {
      this.timer = setInterval(() => {
        this.store.renewLease(this.connectionId, this.owner, new Date(Date.now() + LEASE_MS).toISOString()).catch(() => undefined);
      }, RENEW_MS);
      this.timer.unref();
    }
    return acquired;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.store.releaseLease(this.connectionId, this.owner);
  }
}

/** Another process holds the connection's lease. */
export class CycleBusy extends Error {
  constructor(readonly connectionName: string) {
    super(`Another process is running a cycle of ${connectionName}; try again when it has finished`);
    this.name = 'CycleBusy';
  }
}

export { isDeadLocalOwner };
