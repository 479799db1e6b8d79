import type { FastifyRequest } from 'fastify';
import { AccessTokenCodec, isAccessToken } from '../auth/access-token.js';
import type { FailedAuthLimiter } from '../auth/failed-auth-limiter.js';
import { authenticateAhead, authenticateSecret, tokenSecretVerdict, type AheadAuthentication } from '../auth/secrets.js';
import { VerifiedSecretCache } from '../auth/verified-secret-cache.js';
import type { ClientInfo } from '../lifecycle/activity-recorder.js';
import type { CredentialRoute } from '../lifecycle/lifecycle-events.js';
import type { SecretUsage } from '../lifecycle/secret-usage.js';
import type { SecretRecord, Store } from '../store/store.js';
import { recordAuthRejection } from './metrics.js';

/** Why a credential was refused; `token_expired` is an access token past its lifetime (the secret may be fine). */
export type AuthFailureReason = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'token_expired';

export type ClientAuthResult =
  | { ok: true; secret: SecretRecord; client: ClientInfo }
  | {
      ok: false;
      reason: AuthFailureReason;
      secret?: SecretRecord;
      /** Set when the client address has failed too often: answer 429 with this Retry-After. */
      retryAfter?: number;
    };

/** User-Agent text kept for connection status, cut so a hostile header cannot bloat a row. */
const MAX_USER_AGENT = 256;

/**
 * Turns a presented credential into the secret behind it, for the SCIM routes (bearer secret or
 * access token) and the token endpoint (client id and secret). Every refusal is counted
 * (/metrics), charged to the client address (rate limit), and when the secret is known but
 * expired or revoked, recorded on its directory. Bookkeeping failures are logged, never turned
 * into a failed request.
 */
export class ClientAuthenticator {
  private readonly verified: VerifiedSecretCache;

  constructor(
    private readonly store: Store,
    private readonly tokens: AccessTokenCodec,
    private readonly usage: SecretUsage,
    private readonly limiter: FailedAuthLimiter,
    private readonly clock: () => Date,
  ) {
    this.verified = new VerifiedSecretCache(store);
  }

  /** `Authorization: Bearer <token>`: a client secret, or an access token from /oauth/token. */
  async bearer(token: string, request: FastifyRequest): Promise<ClientAuthResult> {
    const client = clientInfo(request, this.clock());
    if (!isAccessToken(token)) {
      const result = await authenticateSecret(this.store, token, client.at, this.verified);
      return result.ok ? { ok: true, secret: result.secret, client } : this.refuse(result.reason, result.secret, 'bearer_secret', client, request);
    }
    const check = this.tokens.verify(token, client.at);
    if (!check.ok) return this.refuse(check.reason === 'expired' ? 'token_expired' : 'malformed', undefined, 'access_token', client, request);
    const result = tokenSecretVerdict(await this.verified.findById(check.claims.secretId), client.at);
    return result.ok ? { ok: true, secret: result.secret, client } : this.refuse(result.reason, result.secret, 'access_token', client, request);
  }

  /**
   * For a request that writes nothing: a client secret accepted from the cache at once, before the
   * database confirmed that no secret changed (see VerifiedSecretCache.lookAhead). `recheck()`
   * asks the database and settles to undefined when the acceptance stands, otherwise to the
   * result of authenticating afresh, refusals counted and recorded as `bearer()` does. Undefined when the
   * token cannot be accepted ahead (a secret not cached, an access token that is not valid): use `bearer()`.
   */
  bearerAhead(token: string, request: FastifyRequest): { secret: SecretRecord; client: ClientInfo; recheck(): Promise<ClientAuthResult | undefined> } | undefined {
    const client = clientInfo(request, this.clock());
    const viaToken = isAccessToken(token);
    const ahead = viaToken ? this.tokenAhead(token, client.at) : authenticateAhead(token, client.at, this.verified);
    if (!ahead) return undefined;
    const recheck = () =>
      ahead.recheck().then((fresh): ClientAuthResult | Promise<ClientAuthResult> | undefined => {
        if (!fresh) return undefined;
        return fresh.ok ? { ok: true, secret: fresh.secret, client } : this.refuse(fresh.reason, fresh.secret, viaToken ? 'access_token' : 'bearer_secret', client, request);
      });
    return { secret: ahead.secret, client, recheck };
  }

  /** authenticateAhead for an access token: a valid, unexpired token whose secret is cached and active. */
  private tokenAhead(token: string, now: Date): AheadAuthentication | undefined {
    const check = this.tokens.verify(token, now);
    if (!check.ok) return undefined;
    const ahead = this.verified.lookAheadById(check.claims.secretId);
    const first = ahead && tokenSecretVerdict(ahead.record, now);
    if (!ahead || !first?.ok) return undefined;
    return { secret: first.secret, recheck: () => ahead.recheck().then((fresh) => fresh && tokenSecretVerdict(fresh.record, now)) };
  }

  /** Client credentials at the token endpoint: the secret must be the one `clientId` names. */
  async client(clientId: string, clientSecret: string, request: FastifyRequest): Promise<ClientAuthResult> {
    const client = clientInfo(request, this.clock());
    const result = await authenticateSecret(this.store, clientSecret, client.at, this.verified);
    const secret = result.secret;
    // A real secret under another id is refused as unknown: nothing is said about either.
    if (secret && secret.id !== clientId) return this.refuse('unknown', undefined, 'token_endpoint', client, request);
    return result.ok ? { ok: true, secret: result.secret, client } : this.refuse(result.reason, secret, 'token_endpoint', client, request);
  }

  /** Records an accepted secret's use (last use, and first use for rotation detection). */
  async accepted(secret: SecretRecord, client: ClientInfo, request: FastifyRequest): Promise<void> {
    await this.usage.accepted(secret, client).catch((err) => request.log.warn({ err, secretId: secret.id }, 'could not record secret use'));
  }

  /** A SCIM request reached `directoryId`: the first anywhere marks the directory connected. */
  async reached(directoryId: string, secret: SecretRecord, client: ClientInfo, request: FastifyRequest): Promise<void> {
    await this.usage.reached(directoryId, secret, client).catch((err) => request.log.warn({ err, directoryId }, 'could not record directory connection'));
  }

  private async refuse(
    reason: AuthFailureReason,
    secret: SecretRecord | undefined,
    route: CredentialRoute,
    client: ClientInfo,
    request: FastifyRequest,
  ): Promise<ClientAuthResult> {
    recordAuthRejection(reason, secret?.directoryId);
    if (secret && (reason === 'expired' || reason === 'revoked')) {
      await this.usage.rejected(secret, reason, route, client).catch((err) => request.log.warn({ err, secretId: secret.id }, 'could not record rejected secret'));
    }
    const retryAfter = client.ip === null ? undefined : this.limiter.recordFailure(client.ip, client.at);
    if (retryAfter !== undefined) recordAuthRejection('rate_limited');
    return { ok: false, reason, ...(secret ? { secret } : {}), ...(retryAfter !== undefined ? { retryAfter } : {}) };
  }
}

/** The client as connection status records it, at the time of the request. */
export function clientInfo(request: FastifyRequest, at: Date): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { at, ip: request.ip ?? null, userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null };
}
