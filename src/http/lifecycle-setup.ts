import type { FastifyInstance } from 'fastify';
import { AccessTokenCodec } from '../auth/access-token.js';
import type { FailedAuthLimiter } from '../auth/failed-auth-limiter.js';
import type { ServerConfig } from '../config.js';
import { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Store } from '../store/store.js';
import { ClientAuthenticator } from './client-auth.js';
import { oauthRoutes } from './oauth/oauth-routes.js';
import { BearerAuth } from './scim/auth.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The secret lifecycle: `flush()` and `runOnce(now)` for tests, `startSweeper()` for `scimd serve`. */
    lifecycle: Lifecycle;
  }
}

/**
 * Wires the secret lifecycle into the app: client authentication for the SCIM routes (secrets
 * and access tokens), the OAuth token endpoint and its metadata, per-directory request counting,
 * and a flush of buffered activity when the app closes. Returns the SCIM routes' authenticator.
 */
export async function registerLifecycle(app: FastifyInstance, options: { store: Store; config: ServerConfig; clock: () => Date; failedAuths: FailedAuthLimiter; signingKey: Buffer; origin: () => string }): Promise<BearerAuth> {
  const { store, config, clock } = options;
  const lifecycle = new Lifecycle({
    store,
    log: app.log,
    clock,
    warningDays: config.expiryWarningDays,
    eventRetentionMs: config.eventRetentionMs,
    quietAfterMs: config.notify.quietAfterMs,
    activityFlushMs: config.activityFlushMs,
  });
  app.decorate('lifecycle', lifecycle);
  app.addHook('onClose', async () => {
    await lifecycle.close();
  });

  const tokens = new AccessTokenCodec(options.signingKey);
  const authenticator = new ClientAuthenticator(store, tokens, lifecycle.usage, options.failedAuths, clock);
  const auth = new BearerAuth(authenticator);
  app.addHook('onResponse', (request, reply, done) => {
    const resolved = auth.resolvedFor(request);
    if (resolved) lifecycle.activity.request(resolved.directoryId, resolved.client, reply.statusCode);
    done();
  });
  await app.register(oauthRoutes, { authenticator, tokens, lifetimeSeconds: config.accessTokenLifetimeSeconds, origin: options.origin });
  return auth;
}
