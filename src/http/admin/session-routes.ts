import type { FastifyInstance } from 'fastify';
import type { SessionView } from '../../admin/api-views.js';
import type { SecretRecord, Store } from '../../store/store.js';
import type { AdminAuth } from './admin-auth.js';
import { SESSION_SCHEMAS as S } from './schemas/session-schemas.js';
import { setSessionCookie } from './session-cookie.js';
import type { SessionClaims, SessionLifetimes, SessionTokenCodec } from './session-token.js';

/** A console session ends after 30 idle minutes, and 12 hours after sign-in however busy. */
export const SESSION_LIFETIMES: SessionLifetimes = { idleSeconds: 30 * 60, absoluteSeconds: 12 * 3600 };

export interface SessionRouteOptions {
  auth: AdminAuth;
  sessions: SessionTokenCodec;
  store: Store;
  clock: () => Date;
}

/**
 * Console sign-in and sign-out under /api/v1/session: an admin secret is exchanged for a session
 * cookie, so the secret itself never has to stay in the browser.
 */
export async function sessionRoutes(app: FastifyInstance, options: SessionRouteOptions): Promise<void> {
  const { auth, sessions, store, clock } = options;
  const view = (claims: SessionClaims, secret: SecretRecord): SessionView => ({
    adminSecret: { id: secret.id, name: secret.name, suffix: secret.suffix },
    csrfToken: sessions.csrfToken(claims),
    signedInAt: new Date(claims.issuedAt * 1000).toISOString(),
    idleExpiresAt: sessions.endsAt(claims).toISOString(),
    expiresAt: new Date(claims.expiresAt * 1000).toISOString(),
    idleTimeoutSeconds: sessions.lifetimes.idleSeconds,
  });

  app.post<{ Body: { secret: string } }>('/session', { schema: S.signIn }, async (request, reply) => {
    const secret = await auth.checkAdminSecret(request, request.body.secret, 'console_sign_in');
    const { token, claims } = sessions.issue(secret.id, clock());
    setSessionCookie(request, reply, token, sessions.lifetimes.absoluteSeconds);
    return reply.code(201).send(view(claims, secret));
  });

  app.get('/session', { schema: S.get }, async (request, reply) => {
    const { claims, secret } = await auth.authenticateSession(request, reply);
    return view(claims, secret);
  });

  // Sign-out is an unsafe request like any other: it needs the CSRF header.
  app.delete('/session', { schema: S.signOut }, async (request, reply) => {
    const { claims } = await auth.authenticateSession(request, reply);
    await store.revokeAdminSession(claims.sessionId, clock().toISOString(), new Date(claims.expiresAt * 1000).toISOString());
    setSessionCookie(request, reply, '', 0);
    return reply.code(204).send();
  });
}
