import type { FastifyBaseLogger } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { connectionsHealth } from '../../provisioning/connections/connection-health.js';
import type { ConnectionService } from '../../provisioning/connections/connection-service.js';

/**
 * The provisioning engine's own health, read from the database at scrape time like the secrets:
 * `scimd_connection_health` (1 for each connection's current health, so `{health="quarantined"}`
 * is an alert), `scimd_connection_quarantined` and `scimd_connection_secret_expiry_seconds` (the
 * engine's credential for its target; connections without a known expiry are left out).
 */
export function registerConnectionMetrics(registry: Registry, connections: () => Promise<ConnectionService>, clock: () => Date, warningDays: number, log: FastifyBaseLogger): void {
  // One read serves the three gauges of a scrape; prom-client collects them concurrently.
  let read: { at: number; health: Promise<ReturnType<typeof connectionsHealth>> } | undefined;
  const current = () => {
    const now = clock();
    if (!read || now.getTime() - read.at > 1000) {
      read = { at: now.getTime(), health: connections().then(async (service) => connectionsHealth(await service.list(), now, warningDays)) };
      read.health.catch((err) => log.warn({ err }, 'could not read provisioning connections for /metrics'));
    }
    return read.health.catch(() => []);
  };
  new Gauge({
    name: 'scimd_connection_health',
    help: "1 for each provisioning connection's current health (quarantined, credential_expired, failing, credential_expiring, never_run, healthy)",
    labelNames: ['connection', 'connection_id', 'health'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await current()) this.set({ connection: c.name, connection_id: c.id, health: c.health }, 1);
    },
  });
  new Gauge({
    name: 'scimd_connection_quarantined',
    help: 'Whether a provisioning connection is quarantined (1) or not (0)',
    labelNames: ['connection', 'connection_id'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await current()) this.set({ connection: c.name, connection_id: c.id }, c.quarantine ? 1 : 0);
    },
  });
  new Gauge({
    name: 'scimd_connection_secret_expiry_seconds',
    help: "Seconds until a provisioning connection's target credential expires (negative once expired)",
    labelNames: ['connection', 'connection_id'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = clock().getTime();
      for (const c of await current()) if (c.credentialExpiresAt) this.set({ connection: c.name, connection_id: c.id }, (Date.parse(c.credentialExpiresAt) - now) / 1000);
    },
  });
}
