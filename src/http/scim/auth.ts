import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../../lifecycle/activity-recorder.js';
import type { SecretProbe, SecretRecord } from '../../store/store.js';
import { isAccessToken } from '../../auth/access-token.js';
import type { AuthFailureReason, ClientAuthenticator, ClientAuthResult } from '../client-auth.js';
import { recordAuthRejection } from '../metrics.js';
import type { ScimError } from '../../scim/errors.js';
import { AuthError, toScimError } from './errors.js';

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

  /**
   * `viaAccessToken` says the caller presented an OAuth access token rather than the client secret
   * itself. With `ahead` (a request that writes nothing), a secret verified before may be accepted
   * before the database confirmed that no secret changed: then `confirm` and `probe` are set. The
   * request's reads check the secret in their own statements where they can (`probe`), and its
   * answer must wait for `confirm()`, called once the answer is made, and be replaced by the
   * error that resolves to, if any.
   */
  async directoryFor(
    request: FastifyRequest,
    options: { ahead?: boolean } = {},
  ): Promise<{ directoryId: string; secret: SecretRecord; viaAccessToken: boolean; confirm?: () => Promise<ScimError | undefined>; probe?: SecretProbe }> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      recordAuthRejection('missing');
      throw new AuthError(401, 'Authentication required: send "Authorization: Bearer <client secret>"', {
        'www-authenticate': 'Bearer realm="scimd"',
      });
    }
    const early = options.ahead ? this.authenticator.bearerAhead(match[1], request) : undefined;
    if (early && early.secret.scope === 'scim' && early.secret.directoryId) {
      const directoryId = early.secret.directoryId;
      this.resolved.set(request, { directoryId, client: early.client });
      const probe: SecretProbe = { secret: early.secret };
      return { directoryId, secret: early.secret, viaAccessToken: isAccessToken(match[1]), probe, confirm: () => this.confirm(request, directoryId, early, probe) };
    }
    // An admin secret accepted ahead is refused below once confirmed, like any other.
    const result = early ? ((await early.recheck()) ?? { ok: true as const, secret: early.secret, client: early.client }) : await this.authenticator.bearer(match[1], request);
    const { secret, client } = this.accept(result);
    await this.authenticator.accepted(secret, client, request);
    await this.authenticator.reached(secret.directoryId, secret, client, request);
    this.resolved.set(request, { directoryId: secret.directoryId, client });
    return { directoryId: secret.directoryId, secret, viaAccessToken: isAccessToken(match[1]) };
  }

  /** The directory an authenticated request reached, and who sent it; undefined before (or without) authentication. */
  resolvedFor(request: FastifyRequest): { directoryId: string; client: ClientInfo } | undefined {
    return this.resolved.get(request);
  }

  /**
   * What a secret accepted ahead comes to once the database answered: undefined when it still
   * opens `directoryId` (its use is recorded only now), otherwise the error to answer instead.
   * A read that found the secret unchanged in its own statement (`probe`) answered already;
   * otherwise the database is asked now. Never rejects: a failure of the fresh read is the
   * answer too (503 when the database is away).
   */
  private async confirm(
    request: FastifyRequest,
    directoryId: string,
    early: { secret: SecretRecord; client: ClientInfo; recheck(): Promise<ClientAuthResult | undefined> },
    probe: SecretProbe,
  ): Promise<ScimError | undefined> {
    try {
      const fresh = probe.unchanged ? undefined : await early.recheck();
      const { secret, client } = fresh ? this.accept(fresh) : early;
      if (secret.directoryId !== directoryId) throw new AuthError(401, refusal('unknown', undefined), invalidToken(refusal('unknown', undefined)));
      await this.authenticator.accepted(secret, client, request);
      await this.authenticator.reached(directoryId, secret, client, request);
      return undefined;
    } catch (error) {
      this.resolved.delete(request);
      const answer = toScimError(error as Error, request);
      if (answer.status >= 500) request.log.error({ err: error }, 'could not confirm a cached secret');
      return answer;
    }
  }

  /** The secret and client of an accepted result; throws the refusal's AuthError otherwise. */
  private accept(result: ClientAuthResult): { secret: SecretRecord & { directoryId: string }; client: ClientInfo } {
    if (!result.ok) {
      if (result.retryAfter !== undefined) {
        throw new AuthError(429, `Too many failed authentications from this address; retry in ${result.retryAfter} seconds`, {
          'retry-after': String(result.retryAfter),
        });
      }
      const detail = refusal(result.reason, result.secret);
      throw new AuthError(401, detail, invalidToken(detail));
    }
    const { secret, client } = result;
    if (secret.scope !== 'scim' || !secret.directoryId) {
      throw new AuthError(403, 'This secret is an admin secret; SCIM requests need a directory client secret', {
        'www-authenticate': 'Bearer realm="scimd", error="insufficient_scope"',
      });
    }
    return { secret: secret as SecretRecord & { directoryId: string }, client };
  }
}

/** RFC 6750's challenge for a credential that was refused. */
function invalidToken(detail: string): Record<string, string> {
  return { 'www-authenticate': `Bearer realm="scimd", error="invalid_token", error_description="${detail.replace(/"/g, "'")}"` };
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
