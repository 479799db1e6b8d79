import type { LifecycleLogger } from '../../lifecycle/lifecycle-logger.js';
import type { ConnectionRecord } from '../connections/connection.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { runConnectionCycle } from '../engine/connection-cycle.js';
import { CycleBusy } from '../engine/cycle-lease.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { nextRunAt, parseSchedule, QUARANTINE_GIVE_UP_MS } from './schedule.js';

export interface SchedulerOptions {
  store: ConnectionStore;
  /** Opened when a connection first needs a cycle (it needs the credential key). */
  service: () => Promise<ConnectionService>;
  log: LifecycleLogger;
  clock?: () => Date;
  /** How often due connections are looked for (default 5 s). */
  tickMs?: number;
  /** Cycles this process runs at once, across connections (default 4). */
  maxConcurrent?: number;
  /** Work before each look for due cycles: credential upkeep (expiry warnings, self-rotation). */
  beforeTick?: (connections: ConnectionRecord[]) => Promise<void>;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs each connection's cycles on its schedule inside `scimd serve`. Every replica runs a
 * scheduler; the cycle lease in the connection's row lets only one of them run a given
 * connection at a time (the others find it busy and skip it). Scheduled cycles honour escrow;
 * a quarantined connection is tried at a reduced rate. `stop()` lets each running cycle commit
 * the chunk in flight and end as `interrupted`; the next cycle, here or elsewhere, carries on.
 */
export class Scheduler {
  private readonly running = new Map<string, Running>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;
  private readonly clock: () => Date;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    const tick = () => {
      if (this.stopped || this.ticking) return;
      this.ticking = this.tick()
        .catch((err) => this.options.log.error({ err }, 'provisioning scheduler: looking for due connections failed'))
        .finally(() => (this.ticking = undefined));
    };
    this.timer = setInterval(tick, this.options.tickMs ?? 5000);
    tick();
  }

  /** Which connections this process is running a cycle of now. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  /** One look for due connections; starts their cycles without waiting for them. */
  async tick(): Promise<void> {
    const listed = await this.options.store.listConnections();
    if (!listed.length) return;
    await this.options.beforeTick?.(listed);
    // Read again: upkeep may have rotated a secret, and a cycle must not start with the retired one.
    const connections = this.options.beforeTick ? await this.options.store.listConnections() : listed;
    for (const connection of connections) {
      if (this.stopped || this.running.size >= (this.options.maxConcurrent ?? 4)) return;
      if (this.running.has(connection.id) || !(await this.isDue(connection))) continue;
      this.launch(connection);
    }
  }

  /** Stops looking for work, asks running cycles to stop after their current chunk, and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    for (const run of this.running.values()) run.controller.abort();
    await Promise.all([...this.running.values()].map((run) => run.done));
  }

  private async isDue(connection: ConnectionRecord): Promise<boolean> {
    let schedule;
    try {
      schedule = parseSchedule(connection.settings.schedule);
    } catch {
      return false;
    }
    // Four weeks in quarantine: stop trying until a passing test or clear-quarantine ends it.
    if (connection.quarantine && this.clock().getTime() - Date.parse(connection.quarantine.since) > QUARANTINE_GIVE_UP_MS) return false;
    const { store } = this.options;
    const last = (await store.listCycles(connection.id, 10)).find((c) => !c.dryRun);
    const escrow = await store.nextEscrowRetry(connection.id);
    const next = nextRunAt({
      schedule,
      lastStart: last ? new Date(last.startedAt) : null,
      lastEnd: last?.finishedAt ? new Date(last.finishedAt) : null,
      escrowRetry: escrow ? new Date(escrow) : null,
      quarantined: Boolean(connection.quarantine),
    });
    return next !== null && next <= this.clock();
  }

  private launch(connection: ConnectionRecord): void {
    const controller = new AbortController();
    const { log } = this.options;
    const done = (async () => {
      try {
        const service = await this.options.service();
        const report = await runConnectionCycle({ store: service.store, encryptor: service.encryptor, connection, honourEscrow: true, scheduled: true, signal: controller.signal });
        const { cycle, summary } = report;
        const fields = { connection: connection.name, cycleId: cycle.id, status: cycle.status, created: summary.created, updated: summary.updated, disabled: summary.disabled, deleted: summary.deleted, failed: summary.failed, durationMs: summary.durationMs };
        if (report.quarantine) log.warn({ ...fields, quarantine: report.quarantine.reason }, `provisioning: ${connection.name} quarantined: ${report.quarantine.detail}`);
        else if (cycle.status === 'completed') log.info(fields, 'provisioning cycle completed');
        else log.warn({ ...fields, message: cycle.message }, `provisioning cycle ${cycle.status}`);
      } catch (err) {
        if (err instanceof CycleBusy) return; // another replica runs it: exactly what the lease is for
        log.error({ err, connection: connection.name }, 'provisioning cycle could not run');
      } finally {
        this.running.delete(connection.id);
      }
    })();
    this.running.set(connection.id, { controller, done });
  }
}
