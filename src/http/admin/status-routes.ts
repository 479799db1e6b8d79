import type { FastifyInstance } from 'fastify';
import type { AdminRouteContext } from './admin-context.js';
import type { ConnectionService } from '../../provisioning/connections/connection-service.js';
import { connectionsHealth } from '../../provisioning/connections/connection-health.js';
import { STATUS_SCHEMAS as S } from './schemas/status-schemas.js';

type Idle = { Querystring: { idleHours?: number } };

/**
 * Connection health of every directory (worst first) or one, with the provisioning connections'
 * health (quarantine, credential expiry, failing cycles), and the audit log.
 */
export function registerStatusRoutes(app: FastifyInstance, context: AdminRouteContext, connections: () => Promise<ConnectionService>, clock: () => Date): void {
  const { service } = context;

  app.get<Idle>('/status', { schema: S.status }, async (request) => {
    const report = await service.status(idle(request.query));
    const health = connectionsHealth(await (await connections()).list(), clock(), report.warningWindowDays);
    return { ...report, connections: health, attention: report.attention || health.some((c) => c.attention) };
  });

  app.get<{ Params: { directory: string } } & Idle>('/directories/:directory/status', { schema: S.directory }, async (request) =>
    service.directoryStatus(request.params.directory, idle(request.query)),
  );

  app.get<{ Querystring: { directory?: string; limit?: number; before?: string } }>('/audit', { schema: S.audit }, async (request) => {
    const { directory, limit, before } = request.query;
    return service.audit({
      ...(directory !== undefined ? { directory } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(before !== undefined ? { before } : {}),
    });
  });
}

function idle(query: { idleHours?: number }): { idleHours?: number } {
  return query.idleHours === undefined ? {} : { idleHours: query.idleHours };
}
