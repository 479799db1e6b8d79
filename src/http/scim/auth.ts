import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../../lifecycle/activity-recorder.js';
import type { SecretRecord } from '../../store/store.js';
import { isAccessToken } from '../../auth/access-token.js';
import type { AuthFailureReason, ClientAuthenticator } from '../client-auth.js';
import { recordAuthRejection } from '../metrics.js';
import { AuthError } from './errors.js';

/**
 * Resolves `Authorization: Bearer <client secret or access token>` to the directory it opens.
 * Missing, malformed, unknown, expired and revoked credentials all get 401 with the RFC 6750
 * challenge (429 once the client address has failed too often); an admin secret is refused with
 * 403 because it names no directory. The directory is remembered per request so the response
 * can be counted on it (connection status).
 */
export class BearerAuth {
  private readonly resolved = new WeakMap<FastifyRequest, { directoryId: string; client: ClientInfo }>();

  constructor(private readonly authenticator: ClientAuthenticator) {}

  /** `viaAccessToken` says the caller presented an OAuth access token rather than the client secret itself. */
  async directoryFor(request: FastifyRequest): Promise<{ directoryId: string; secret: SecretRecord; viaAccessToken: boolean }> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      recordAuthRejection('missing');
      throw new AuthError(401, 'Authentication required: send "Authorization: Bearer <client secret>"', {
        'www-authenticate': 'Bearer realm="scimd"',
      });
    }
    const result = await this.authenticator.bearer(match[1], request);
    if (!result.ok) {
      if (result.retryAfter !== undefined) {
        throw new AuthError(429, `Too many failed authentications from this address; retry in ${result.retryAfter} seconds`, {
          'retry-after': String(result.retryAfter),
        });
      }
      const detail = refusal(result.reason, result.secret);
      throw new AuthError(401, detail, { 'www-authenticate': `Bearer realm="scimd", error="invalid_token", error_description="${detail.replace(/"/g, "'")}"` });
    }
    const { secret, client } = result;
    if (secret.scope !== 'scim' || !secret.directoryId) {
      throw new AuthError(403, 'This secret is an admin secret; SCIM requests need a directory client secret', {
        'www-authenticate': 'Bearer realm="scimd", error="insufficient_scope"',
      });
    }
    await this.authenticator.accepted(secret, client, request);
    await this.authenticator.reached(secret.directoryId, secret, client, request);
    this.resolved.set(request, { directoryId: secret.directoryId, client });
    return { directoryId: secret.directoryId, secret, viaAccessToken: isAccessToken(match[1]) };
  }

  /** The directory an authenticated request reached, and who sent it; undefined before (or without) authentication. */
  resolvedFor(request: FastifyRequest): { directoryId: string; client: ClientInfo } | undefined {
    return this.resolved.get(request);
  }
}

function refusal(reason: AuthFailureReason, secret: SecretRecord | undefined): string {
  switch (reason) {
    case 'expired':
      return `The client secret expired on ${secret?.expiresAt}; create a new one and update the identity provider`;
    case 'revoked':
      return 'The client secret has been revoked';
    case 'token_expired':
      return 'The access token has expired; request a new one from the token endpoint';
    default:
      return 'The client secret is not valid';
  }
}
