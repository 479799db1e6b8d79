import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.js';
import { ProvisioningRuntime } from '../provisioning/provisioning-runtime.js';
import { SqlStore } from '../store/sql/sql-store.js';
import type { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The provisioning engine: the connection service of the admin API, and `startScheduler()` for `scimd serve`. */
    provisioning: ProvisioningRuntime;
  }
}

/**
 * Wires the provisioning engine into the app. Its connection store opens on first use; closing
 * the app stops the scheduler (running cycles commit their chunk in flight) and closes it.
 */
export function registerProvisioning(app: FastifyInstance, options: { store: Store; config: ServerConfig; clock: () => Date }): ProvisioningRuntime {
  // The engine shares the server's database connection (one SQLite connection per process).
  const driver = options.store instanceof SqlStore ? options.store.sqlDriver : undefined;
  const runtime = new ProvisioningRuntime({ db: options.config.db, driver, log: app.log, clock: options.clock, warningDays: options.config.expiryWarningDays });
  app.decorate('provisioning', runtime);
  app.addHook('onClose', async () => {
    await runtime.close();
  });
  return runtime;
}
