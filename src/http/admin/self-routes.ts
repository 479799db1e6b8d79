import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/admin-error.js';
import type { AdminService } from '../../admin/admin-service.js';
import type { SecretRecord } from '../../store/store.js';
import type { BearerAuth } from '../scim/auth.js';
import { SELF_SCHEMAS as S } from './schemas/session-schemas.js';
import { noStore } from './secret-routes.js';

/**
 * Self-rotation, authenticated by a current directory client secret instead of an admin secret:
 * the client may only act on the secret it calls with and its own directory, so no route here
 * takes a directory or secret id. An access token made from the secret may read the caller's
 * record but not mint or retire secrets: a one-hour token must not become a 365-day secret, nor
 * retire the identity provider's real one.
 */
export async function selfRoutes(app: FastifyInstance, options: { service: AdminService; bearer: BearerAuth }): Promise<void> {
  const { service, bearer } = options;
  const callers = new WeakMap<FastifyRequest, { secret: SecretRecord; viaAccessToken: boolean }>();
  app.addHook('onRequest', async (request) => {
    callers.set(request, await bearer.directoryFor(request));
  });
  const caller = (request: FastifyRequest) => callers.get(request)!.secret;
  const secretHolder = (request: FastifyRequest) => {
    const { secret, viaAccessToken } = callers.get(request)!;
    if (viaAccessToken) throw new AdminError(403, 'client-secret-required', 'Creating or retiring secrets needs the client secret itself as the bearer, not an access token');
    return secret;
  };

  // The caller's own record (expiry, last use): how a provisioning client learns when to rotate.
  app.get('/self/secret', { schema: S.get }, async (request) => service.getSecret(caller(request).id));

  app.post<{ Body: { name?: string } | null }>('/self/secrets', { schema: S.rotate }, async (request, reply) => {
    const name = request.body?.name;
    const secret = await service.rotateOwnSecret(secretHolder(request), request.ip ?? null, name === undefined ? {} : { name });
    noStore(reply).code(201);
    return secret;
  });

  app.delete('/self/secret', { schema: S.retire }, async (request) => service.retireOwnSecret(secretHolder(request), request.ip ?? null));
}
