import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { Store } from '../../store/store.js';
import { processRegistry, startRuntimeMetrics } from '../metrics.js';
import { registerDatabaseMetrics } from './database-metrics.js';
import type { MetricsAccess } from './metrics-access.js';
import { registerRequestMetrics } from './request-metrics.js';
import { registerSecretExpiryMetric } from './secret-expiry-metric.js';

export interface MetricsOptions {
  store: Store;
  clock: () => Date;
  /** Who may scrape: an admin secret, or anyone with `--metrics-public`. */
  access: MetricsAccess;
}

/**
 * `GET /metrics` in Prometheus text format: this app's requests, secrets and database, plus the
 * process-wide runtime and auth-rejection figures. Each app has its own registry, so two servers
 * in one process (tests) never count each other's requests.
 */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions): Registry {
  startRuntimeMetrics();
  const registry = new Registry();
  registerRequestMetrics(app, registry);
  registerSecretExpiryMetric(registry, options.store, options.clock, app.log);
  registerDatabaseMetrics(registry, options.store, app.log);
  app.get('/metrics', { onRequest: (request) => options.access(request) }, async (_request, reply) => {
    const text = (await Promise.all([registry.metrics(), processRegistry.metrics()])).join('\n');
    return reply.type(registry.contentType).send(text);
  });
  return registry;
}
