import type { FastifyInstance, FastifyReply } from 'fastify';
import { bodyFields, flagParam, optionalString } from './request-input.js';
import { created, type AdminRouteContext } from './admin-context.js';

/**
 * Directory client secrets and admin secrets. A created secret is in the response body once and
 * nowhere else; the response must not be cached.
 */
export function registerSecretRoutes(app: FastifyInstance, context: AdminRouteContext): void {
  const { service, actor } = context;

  app.get<{ Params: { directory: string } }>('/directories/:directory/secrets', async (request) => ({
    secrets: await service.listSecrets(request.params.directory),
  }));

  app.post<{ Params: { directory: string } }>('/directories/:directory/secrets', async (request, reply) => {
    const secret = await service.createSecret(actor(request), request.params.directory, secretInput(request.body));
    return created(noStore(reply), `/api/v1/secrets/${secret.id}`, secret);
  });

  app.delete<{ Params: { directory: string; secret: string } }>('/directories/:directory/secrets/:secret', async (request) =>
    service.revokeSecret(actor(request), request.params.secret, { force: flagParam(request.query, 'force'), directory: request.params.directory }),
  );

  app.get<{ Params: { secret: string } }>('/secrets/:secret', async (request) => service.getSecret(request.params.secret));

  app.get('/admin/secrets', async () => ({ secrets: await service.listAdminSecrets() }));

  app.post('/admin/secrets', async (request, reply) => {
    const secret = await service.createAdminSecret(actor(request), secretInput(request.body));
    return created(noStore(reply), `/api/v1/admin/secrets/${secret.id}`, secret);
  });

  app.delete<{ Params: { secret: string } }>('/admin/secrets/:secret', async (request) =>
    service.revokeAdminSecret(actor(request), request.params.secret, { force: flagParam(request.query, 'force') }),
  );
}

function secretInput(body: unknown): { name?: string; expiresIn?: string } {
  const fields = bodyFields(body, ['name', 'expiresIn']);
  const name = optionalString(fields, 'name');
  const expiresIn = optionalString(fields, 'expiresIn');
  return { ...(name !== undefined ? { name } : {}), ...(expiresIn !== undefined ? { expiresIn } : {}) };
}

export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}
