import type { FastifyInstance, FastifyReply } from 'fastify';
import { created, type AdminRouteContext } from './admin-context.js';
import { SECRET_SCHEMAS as S } from './schemas/secret-schemas.js';

/** A new secret's optional name and lifetime (the body may be absent). */
type SecretBody = { Body: { name?: string; expiresIn?: string } | null };
type Force = { Querystring: { force?: boolean } };

/**
 * Directory client secrets and admin secrets. A created secret is in the response body once and
 * nowhere else; the response must not be cached.
 */
export function registerSecretRoutes(app: FastifyInstance, context: AdminRouteContext): void {
  const { service, actor } = context;

  app.get<{ Params: { directory: string } }>('/directories/:directory/secrets', { schema: S.list }, async (request) => ({
    secrets: await service.listSecrets(request.params.directory),
  }));

  app.post<{ Params: { directory: string } } & SecretBody>('/directories/:directory/secrets', { schema: S.create }, async (request, reply) => {
    const secret = await service.createSecret(actor(request), request.params.directory, request.body ?? {});
    return created(noStore(reply), `/api/v1/secrets/${secret.id}`, secret);
  });

  app.delete<{ Params: { directory: string; secret: string } } & Force>('/directories/:directory/secrets/:secret', { schema: S.revoke }, async (request) =>
    service.revokeSecret(actor(request), request.params.secret, { force: request.query.force === true, directory: request.params.directory }),
  );

  app.get<{ Params: { secret: string } }>('/secrets/:secret', { schema: S.get }, async (request) => service.getSecret(request.params.secret));

  app.get('/admin/secrets', { schema: S.listAdmin }, async () => ({ secrets: await service.listAdminSecrets() }));

  app.post<SecretBody>('/admin/secrets', { schema: S.createAdmin }, async (request, reply) => {
    const secret = await service.createAdminSecret(actor(request), request.body ?? {});
    return created(noStore(reply), `/api/v1/admin/secrets/${secret.id}`, secret);
  });

  app.delete<{ Params: { secret: string } } & Force>('/admin/secrets/:secret', { schema: S.revokeAdmin }, async (request) =>
    service.revokeAdminSecret(actor(request), request.params.secret, { force: request.query.force === true }),
  );
}

export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}
