import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminService } from '../../admin/admin-service.js';
import type { SecretRecord } from '../../store/store.js';
import type { BearerAuth } from '../scim/auth.js';
import { bodyFields, optionalString } from './request-input.js';
import { noStore } from './secret-routes.js';

/**
 * Self-rotation, authenticated by a current directory client secret (or an access token made
 * from one) instead of an admin secret: the client may only act on the secret it calls with and
 * its own directory, so no route here takes a directory or secret id.
 */
export async function selfRoutes(app: FastifyInstance, options: { service: AdminService; bearer: BearerAuth }): Promise<void> {
  const { service, bearer } = options;
  const callers = new WeakMap<FastifyRequest, SecretRecord>();
  app.addHook('onRequest', async (request) => {
    callers.set(request, (await bearer.directoryFor(request)).secret);
  });
  const caller = (request: FastifyRequest) => callers.get(request)!;

  // The caller's own record (expiry, last use): how a provisioning client learns when to rotate.
  app.get('/self/secret', async (request) => service.getSecret(caller(request).id));

  app.post('/self/secrets', async (request, reply) => {
    const name = optionalString(bodyFields(request.body, ['name']), 'name');
    const secret = await service.rotateOwnSecret(caller(request), request.ip ?? null, name === undefined ? {} : { name });
    noStore(reply).code(201);
    return secret;
  });

  app.delete('/self/secret', async (request) => service.retireOwnSecret(caller(request), request.ip ?? null));
}
