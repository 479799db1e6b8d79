import type { FastifyInstance } from 'fastify';
import { numberParam, queryParam } from './request-input.js';
import type { AdminRouteContext } from './admin-context.js';
import type { ConnectionService } from '../../provisioning/connections/connection-service.js';
import { connectionsHealth } from '../../provisioning/connections/connection-health.js';

/**
 * Connection health of every directory (worst first) or one, with the provisioning connections'
 * health (quarantine, credential expiry, failing cycles), and the audit log.
 */
export function registerStatusRoutes(app: FastifyInstance, context: AdminRouteContext, connections: () => Promise<ConnectionService>, clock: () => Date): void {
  const { service } = context;

  app.get('/status', async (request) => {
    const report = await service.status(idle(request.query));
    const health = connectionsHealth(await (await connections()).list(), clock(), report.warningWindowDays);
    return { ...report, connections: health, attention: report.attention || health.some((c) => c.attention) };
  });

  app.get<{ Params: { directory: string } }>('/directories/:directory/status', async (request) =>
    service.directoryStatus(request.params.directory, idle(request.query)),
  );

  app.get('/audit', async (request) => {
    const directory = queryParam(request.query, 'directory');
    const limit = numberParam(request.query, 'limit');
    const before = queryParam(request.query, 'before');
    return service.audit({
      ...(directory !== undefined ? { directory } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(before !== undefined ? { before } : {}),
    });
  });
}

function idle(query: unknown): { idleHours?: number } {
  const idleHours = numberParam(query, 'idleHours');
  return idleHours === undefined ? {} : { idleHours };
}
