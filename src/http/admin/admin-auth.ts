import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../admin/admin-views.js';
import { authenticateAdminSecret } from '../../auth/admin-secrets.js';
import type { FailedAuthLimiter } from '../../auth/failed-auth-limiter.js';
import type { Store } from '../../store/store.js';
import { clientInfo } from '../client-auth.js';
import { AuthError } from '../scim/errors.js';

const CHALLENGE = 'Bearer realm="scimd admin"';

/**
 * `Authorization: Bearer <admin secret>` for the admin API. No or an invalid credential gets 401
 * with the RFC 6750 challenge (429 once the address has failed too often); a valid directory
 * secret gets 403, since it is genuine but opens only its directory's SCIM API and self-rotation.
 * The admin secret's last use is recorded, so `admin token list` shows which ones are alive.
 */
export class AdminAuth {
  private readonly actors = new WeakMap<FastifyRequest, Actor>();

  constructor(
    private readonly store: Store,
    private readonly limiter: FailedAuthLimiter,
    private readonly clock: () => Date,
  ) {}

  /** An onRequest hook: authenticates, or throws the refusal. */
  readonly authenticate = async (request: FastifyRequest): Promise<void> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new AuthError(401, 'Authentication required: send "Authorization: Bearer <admin secret>"', { 'www-authenticate': CHALLENGE });
    const client = clientInfo(request, this.clock());
    const result = await authenticateAdminSecret(this.store, match[1], client.at);
    if (result.ok) {
      this.actors.set(request, { id: result.secret.id, ip: client.ip });
      await this.store
        .recordSecretUse(result.secret.id, client.at.toISOString(), client.ip, client.userAgent)
        .catch((err) => request.log.warn({ err, secretId: result.secret.id }, 'could not record admin secret use'));
      return;
    }
    if (result.reason === 'directory_secret') {
      throw new AuthError(403, 'This is a directory client secret; the admin API needs an admin secret (scimd admin token create)', {
        'www-authenticate': `${CHALLENGE}, error="insufficient_scope"`,
      });
    }
    const retryAfter = client.ip === null ? undefined : this.limiter.recordFailure(client.ip, client.at);
    if (retryAfter !== undefined) {
      throw new AuthError(429, `Too many failed authentications from this address; retry in ${retryAfter} seconds`, { 'retry-after': String(retryAfter) });
    }
    const detail = result.reason === 'expired' ? 'The admin secret has expired' : result.reason === 'revoked' ? 'The admin secret has been revoked' : 'The admin secret is not valid';
    throw new AuthError(401, detail, { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
  };

  /** The admin who sent an authenticated request. */
  actorOf(request: FastifyRequest): Actor {
    const actor = this.actors.get(request);
    if (!actor) throw new Error('admin route reached without authentication');
    return actor;
  }
}
