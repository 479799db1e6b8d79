import type { Encryptor } from '../auth/encryption.js';
import type { LifecycleLogger } from '../lifecycle/lifecycle-logger.js';
import type { ScimClientOptions } from './client/scim-client.js';
import { ConnectionService } from './connections/connection-service.js';
import { connectionEncryptor } from './connections/encryption-key.js';
import { CredentialKeeper } from './credentials/credential-keeper.js';
import { Scheduler, type SchedulerOptions } from './scheduler/scheduler.js';
import type { ConnectionStore } from './store/connection-store.js';
import { openConnectionStore } from './store/open-connection-store.js';
import { SqlConnectionStore } from './store/sql-connection-store.js';
import type { SqlDriver } from '../store/sql/sql-driver.js';

export interface ProvisioningRuntimeOptions {
  /** The database `--db` names; connections live in it beside the directories. */
  db: string;
  log: LifecycleLogger;
  clock?: () => Date;
  /** The key for target credentials; by default SCIMD_ENCRYPTION_KEY or the key file (see encryption-key.ts). */
  encryptor?: Encryptor;
  /** Days before the target secret's expiry that each log one warning (the server's own warning days). */
  warningDays?: number[];
  clientOptions?: Partial<ScimClientOptions>;
  /** The server's own database connection, shared (and closed by the server, not here). */
  driver?: SqlDriver;
}

/**
 * The provisioning engine inside a server: the connection service the admin API uses, and the
 * scheduler `scimd serve` starts. The connection store opens on first use, so a server that never
 * provisions never opens it (nor creates a credential key).
 */
export class ProvisioningRuntime {
  private opening?: Promise<ConnectionService>;
  private storeOpening?: Promise<ConnectionStore>;
  private scheduler?: Scheduler;
  private keeper?: CredentialKeeper;

  constructor(private readonly options: ProvisioningRuntimeOptions) {}

  connections(): Promise<ConnectionService> {
    this.opening ??= this.open().catch((error) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  /** Credential upkeep of every connection: expiry from the target, warnings, self-rotation. */
  async credentials(): Promise<CredentialKeeper> {
    await this.connections();
    return this.keeper!;
  }

  /** Starts running connections on their schedules (`scimd serve`). */
  async startScheduler(options: Partial<Pick<SchedulerOptions, 'tickMs' | 'maxConcurrent'>> = {}): Promise<Scheduler> {
    this.scheduler = new Scheduler({
      store: await this.store(),
      service: () => this.connections(),
      log: this.options.log,
      clock: this.options.clock,
      beforeTick: async (connections) => (await this.credentials()).upkeep(connections),
      ...options,
    });
    this.scheduler.start();
    return this.scheduler;
  }

  /** Stops the scheduler (running cycles commit their chunk in flight and end `interrupted`), then closes the store. */
  async close(): Promise<void> {
    await this.scheduler?.stop();
    const opening = this.storeOpening;
    this.opening = undefined;
    this.storeOpening = undefined;
    if (opening) await (await opening.catch(() => undefined))?.close();
  }

  /** The connection store alone: needs no credential key, so the scheduler can look for work without one. */
  private store(): Promise<ConnectionStore> {
    const shared = this.options.driver;
    this.storeOpening ??= (shared ? Promise.resolve(new SqlConnectionStore(shared, { ownsDriver: false })) : openConnectionStore(this.options.db)).catch((error) => {
      this.storeOpening = undefined;
      throw error;
    });
    return this.storeOpening;
  }

  private async open(): Promise<ConnectionService> {
    const store = await this.store();
    const encryptor = this.options.encryptor ?? connectionEncryptor(this.options.db);
    const clock = this.options.clock ?? (() => new Date());
    this.keeper = new CredentialKeeper({ store, encryptor, log: this.options.log, clock, warningDays: this.options.warningDays, clientOptions: this.options.clientOptions });
    return new ConnectionService(store, encryptor, {
      clock,
      clientOptions: this.options.clientOptions,
      afterTest: (connection, report) => this.keeper!.afterTest(connection, report),
    });
  }
}
