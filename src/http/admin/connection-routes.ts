import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../admin/admin-views.js';
import type { ConnectionInput } from '../../provisioning/connections/connection-input.js';
import type { ConnectionService } from '../../provisioning/connections/connection-service.js';
import type { LogEntry } from '../../provisioning/store/connection-store.js';
import { created } from './admin-context.js';
import { CONNECTION_SCHEMAS as S } from './schemas/connection-schemas.js';

/**
 * Provisioning connections under /api/v1/connections: thin handlers over ConnectionService.
 * Admin credentials are required (the hook of the enclosing plugin); a secret is accepted in a
 * request body and never appears in a response. The schemas name the fields each body takes.
 */
export function registerConnectionRoutes(app: FastifyInstance, connections: () => Promise<ConnectionService>, actor: (request: FastifyRequest) => Actor): void {
  type Params = { Params: { connection: string } };
  type Fields = { Body: Record<string, unknown> };

  app.get('/connections', { schema: S.list }, async () => ({ connections: await (await connections()).list() }));

  app.post<Fields>('/connections', { schema: S.create }, async (request, reply) => {
    const result = await (await connections()).create(request.body.name as string, connectionInput(request.body), actor(request));
    return created(reply, `/api/v1/connections/${result.connection.id}`, result);
  });

  app.get<Params>('/connections/:connection', { schema: S.get }, async (request) => (await connections()).get(request.params.connection));

  app.patch<Params & Fields>('/connections/:connection', { schema: S.update }, async (request) =>
    (await connections()).update(request.params.connection, connectionInput(request.body), actor(request)),
  );

  app.delete<Params>('/connections/:connection', { schema: S.delete }, async (request) => (await connections()).delete(request.params.connection, actor(request)));

  app.post<Params>('/connections/:connection/test', { schema: S.test }, async (request) => (await connections()).test(request.params.connection));

  app.put<Params & Fields>('/connections/:connection/secret', { schema: S.setSecret }, async (request) =>
    (await connections()).setSecret(request.params.connection, connectionInput(request.body), actor(request)),
  );

  app.post<Params & { Body: { allowDeletes?: boolean; full?: boolean } | null }>('/connections/:connection/run', { schema: S.run }, async (request) =>
    (await connections()).runCycle(request.params.connection, { allowDeletes: request.body?.allowDeletes, full: request.body?.full }),
  );

  app.post<Params & { Body: { full?: boolean } | null }>('/connections/:connection/dry-run', { schema: S.dryRun }, async (request) =>
    (await connections()).runCycle(request.params.connection, { dryRun: true, full: request.body?.full }),
  );

  app.get<Params & { Querystring: { limit?: number } }>('/connections/:connection/cycles', { schema: S.cycles }, async (request) => ({
    cycles: await (await connections()).cycles(request.params.connection, request.query.limit),
  }));

  app.get<Params & { Querystring: { cycle?: string; object?: string; action?: string; result?: LogEntry['result']; limit?: number; before?: number } }>(
    '/connections/:connection/logs',
    { schema: S.logs },
    async (request) => {
      const { cycle, object, action, result, limit, before } = request.query;
      return (await connections()).logs(request.params.connection, { cycle, object, action, result, limit, before });
    },
  );

  app.post<Params & { Body: { user?: string; group?: string; members?: string[] } }>('/connections/:connection/provision', { schema: S.provision }, async (request) => {
    const { user, group, members } = request.body;
    return (await connections()).provision(request.params.connection, { user, group, members });
  });

  app.post<Params>('/connections/:connection/allow-deletions', { schema: S.allowDeletions }, async (request) => (await connections()).allowDeletions(request.params.connection, actor(request)));

  app.delete<Params>('/connections/:connection/quarantine', { schema: S.clearQuarantine }, async (request) => (await connections()).clearQuarantine(request.params.connection));
}

/** A validated body into the connection parser's input: text as text, numbers as their text, flags as they are. */
function connectionInput(fields: Record<string, unknown>): ConnectionInput {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'name') continue;
    input[key] = typeof value === 'number' ? String(value) : value;
  }
  return input as ConnectionInput;
}
