import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../admin/admin-views.js';
import { authenticateAdminSecret, VerifiedAdminSecrets } from '../../auth/admin-secrets.js';
import type { FailedAuthLimiter } from '../../auth/failed-auth-limiter.js';
import { secretState } from '../../auth/secrets.js';
import type { CredentialRoute } from '../../lifecycle/lifecycle-events.js';
import type { SecretUsage } from '../../lifecycle/secret-usage.js';
import type { SecretRecord, Store } from '../../store/store.js';
import { clientInfo } from '../client-auth.js';
import { AuthError } from '../scim/errors.js';
import { CSRF_HEADER, isUnsafeMethod, sameOrigin, sessionCookieOf, setSessionCookie } from './session-cookie.js';
import type { SessionClaims, SessionTokenCodec } from './session-token.js';

const CHALLENGE = 'Bearer realm="scimd admin"';
const SESSION_REFRESH_SECONDS = 60;

/** Where an expired or revoked admin secret is announced (`auth.rejected`, at most hourly): the lifecycle's SecretUsage. */
export type AdminSecretRejections = Pick<SecretUsage, 'rejected'>;

/**
 * `Authorization: Bearer <admin secret>` for the admin API, or the console's session cookie. No or an invalid credential gets 401
 * with the RFC 6750 challenge (429 once the address has failed too often); a valid directory
 * secret gets 403, since it is genuine but opens only its directory's SCIM API and self-rotation.
 * The admin secret's last use is recorded, so `admin token list` shows which ones are alive; an
 * expired or revoked one is announced, since whatever still sends it has stopped working.
 */
export class AdminAuth {
  private readonly actors = new WeakMap<FastifyRequest, Actor>();
  /** Operator-chosen admin secrets verified once (scrypt), so later requests skip the slow hash. */
  private readonly verified = new VerifiedAdminSecrets();

  constructor(
    private readonly store: Store,
    private readonly limiter: FailedAuthLimiter,
    private readonly clock: () => Date,
    private readonly rejections: AdminSecretRejections,
    /** The console's session tokens; without them only bearer secrets are accepted. */
    readonly sessions?: SessionTokenCodec,
  ) {}

  /**
   * An onRequest hook: authenticates by bearer admin secret or, when no Authorization header is
   * sent, by the console's session cookie; or throws the refusal.
   */
  readonly authenticate = async (request: FastifyRequest, reply?: FastifyReply): Promise<void> => {
    const authorization = request.headers.authorization;
    if (authorization === undefined && this.sessions && reply && sessionCookieOf(request) !== undefined) {
      await this.authenticateSession(request, reply);
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new AuthError(401, 'Authentication required: send "Authorization: Bearer <admin secret>"', { 'www-authenticate': CHALLENGE });
    const secret = await this.checkAdminSecret(request, match[1], 'admin_api');
    this.actors.set(request, { id: secret.id, ip: clientInfo(request, this.clock()).ip });
  };

  /**
   * An admin secret presented as a bearer token or at console sign-in: its record, with its use
   * recorded, or the refusal (failures count towards the address's limit).
   */
  async checkAdminSecret(request: FastifyRequest, token: string, route: Extract<CredentialRoute, 'admin_api' | 'console_sign_in'>): Promise<SecretRecord> {
    const client = clientInfo(request, this.clock());
    const result = await authenticateAdminSecret(this.store, token, client.at, this.verified);
    if (result.ok) {
      await this.store
        .recordSecretUse(result.secret.id, client.at.toISOString(), client.ip, client.userAgent)
        .catch((err) => request.log.warn({ err, secretId: result.secret.id }, 'could not record admin secret use'));
      return result.secret;
    }
    if (result.reason === 'directory_secret') {
      throw new AuthError(403, 'This is a directory client secret; the admin API needs an admin secret (scimd admin token create)', {
        'www-authenticate': `${CHALLENGE}, error="insufficient_scope"`,
      });
    }
    if (result.secret?.scope === 'admin' && (result.reason === 'expired' || result.reason === 'revoked')) {
      await this.rejections.rejected(result.secret, result.reason, route, client).catch((err) => request.log.warn({ err, secretId: result.secret!.id }, 'could not record rejected admin secret'));
    }
    const retryAfter = client.ip === null ? undefined : this.limiter.recordFailure(client.ip, client.at);
    if (retryAfter !== undefined) {
      throw new AuthError(429, `Too many failed authentications from this address; retry in ${retryAfter} seconds`, { 'retry-after': String(retryAfter) });
    }
    const detail = result.reason === 'expired' ? 'The admin secret has expired' : result.reason === 'revoked' ? 'The admin secret has been revoked' : 'The admin secret is not valid';
    throw new AuthError(401, detail, { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
  }

  /**
   * The console's cookie: a signed, unexpired, not signed-out session whose admin secret is still
   * active. Unsafe methods also need the session's CSRF token in a header and, when the browser
   * names one, this server's own Origin. A session in use has its idle expiry moved forward.
   */
  async authenticateSession(request: FastifyRequest, reply: FastifyReply): Promise<{ claims: SessionClaims; secret: SecretRecord }> {
    const sessions = this.sessions;
    const cookie = sessionCookieOf(request);
    if (!sessions || cookie === undefined) throw new AuthError(401, 'Not signed in: sign in to the console with an admin secret', { 'www-authenticate': CHALLENGE });
    const now = this.clock();
    const check = sessions.verify(cookie, now);
    if (!check.ok || (await this.store.isAdminSessionRevoked(check.claims.sessionId))) {
      setSessionCookie(request, reply, '', 0);
      const why = check.ok ? 'you signed out' : check.reason === 'idle' ? 'it was idle too long' : check.reason === 'expired' ? 'it reached its time limit' : 'it is not valid';
      throw new AuthError(401, `Your console session has ended (${why}); sign in again`, { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
    }
    const { claims } = check;
    const secret = await this.store.findSecret(claims.adminSecretId);
    const state = secret ? secretState(secret, now) : 'revoked';
    if (!secret || secret.scope !== 'admin' || state !== 'active') {
      setSessionCookie(request, reply, '', 0);
      // An expired secret is announced as when it is presented (at most hourly). A revoked one is
      // not: revoking is an admin's own act, often from this very console, and the cookie goes now.
      if (secret?.scope === 'admin' && state === 'expired') {
        await this.rejections.rejected(secret, 'expired', 'console_session', clientInfo(request, now)).catch((err) => request.log.warn({ err, secretId: secret.id }, 'could not record rejected admin secret'));
      }
      throw new AuthError(401, `The admin secret this session signed in with is ${state === 'expired' ? 'expired' : 'revoked'}; sign in with an active one`, {
        'www-authenticate': `${CHALLENGE}, error="invalid_token"`,
      });
    }
    if (isUnsafeMethod(request.method)) {
      if (!sameOrigin(request)) throw new AuthError(403, 'Cross-origin request refused: the console only accepts changes from its own pages', {});
      const given = request.headers[CSRF_HEADER];
      if (!sessions.checkCsrf(claims, typeof given === 'string' ? given : undefined)) {
        throw new AuthError(403, `Missing or wrong ${CSRF_HEADER} header: changes made with the session cookie must carry the session's CSRF token`, {});
      }
    }
    this.actors.set(request, { id: claims.adminSecretId, ip: clientInfo(request, now).ip });
    // Refreshing at most once a minute keeps Set-Cookie off most responses.
    if (Math.floor(now.getTime() / 1000) - claims.seenAt >= SESSION_REFRESH_SECONDS) {
      const refreshed = sessions.refresh(claims, now);
      setSessionCookie(request, reply, refreshed.token, claims.expiresAt - refreshed.claims.seenAt);
      return { claims: refreshed.claims, secret };
    }
    return { claims, secret };
  }

  /** The admin who sent an authenticated request. */
  actorOf(request: FastifyRequest): Actor {
    const actor = this.actors.get(request);
    if (!actor) throw new Error('admin route reached without authentication');
    return actor;
  }
}
