import type { FastifyRequest } from 'fastify';
import type { FailedAuthLimiter } from '../../auth/failed-auth-limiter.js';
import type { ServerConfig } from '../../config.js';
import type { Store } from '../../store/store.js';
import { AdminAuth, type AdminSecretRejections } from '../admin/admin-auth.js';

/** Decides whether a request may read /metrics; throws an AuthError to refuse it. */
export type MetricsAccess = (request: FastifyRequest) => Promise<void>;

/**
 * Who may scrape: with `--metrics-public`, anyone who reaches the port; otherwise exactly the
 * admin secrets the admin API accepts (directory secrets get 403, since metrics name every
 * directory). The scraper's secret shows a recent last use, so nobody revokes it as unused.
 */
export function metricsAccess(
  config: Pick<ServerConfig, 'metricsPublic'>,
  store: Store,
  clock: () => Date,
  failedAuths: FailedAuthLimiter,
  rejections: AdminSecretRejections,
): MetricsAccess {
  if (config.metricsPublic) return async () => undefined;
  return new AdminAuth(store, failedAuths, clock, rejections).authenticate;
}
