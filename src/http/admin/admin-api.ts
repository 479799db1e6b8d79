import type { PublicUrl } from '../public-url.js';
import type { FastifyInstance } from 'fastify';
import { AdminService } from '../../admin/admin-service.js';
import type { FailedAuthLimiter } from '../../auth/failed-auth-limiter.js';
import type { ServerConfig } from '../../config.js';
import type { Store } from '../../store/store.js';
import type { ResourceService } from '../../directory/resource-service.js';
import type { BearerAuth } from '../scim/auth.js';
import { rejectUnstorableUrlText } from '../scim/storable-input.js';
import { AdminAuth, type AdminSecretRejections } from './admin-auth.js';
import { registerBrowseRoutes } from './browse-routes.js';
import { SESSION_LIFETIMES, sessionRoutes } from './session-routes.js';
import { SessionTokenCodec } from './session-token.js';
import type { AdminRouteContext } from './admin-context.js';
import { registerDirectoryRoutes } from './directory-routes.js';
import { collectRoutes } from './openapi-builder.js';
import { adminOpenApiDocument } from './openapi-document.js';
import { OPENAPI_SCHEMA } from './schemas/session-schemas.js';
import { useSchemaValidation } from './schema-validation.js';
import { registerProblemErrors } from './problem.js';
import { registerSecretRoutes } from './secret-routes.js';
import { selfRoutes } from './self-routes.js';
import { registerStatusRoutes } from './status-routes.js';
import { registerConnectionRoutes } from './connection-routes.js';
import type { ProvisioningRuntime } from '../../provisioning/provisioning-runtime.js';
import type { EventServices } from '../event-setup.js';
import { registerEventRoutes } from './event-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import { registerNotificationRoutes } from './notification-routes.js';

export const ADMIN_PREFIX = '/api/v1';

export interface AdminApiOptions {
  store: Store;
  config: ServerConfig;
  clock: () => Date;
  /** The server's one count of failed authentications. */
  failedAuths: FailedAuthLimiter;
  /** Signs console sessions and their CSRF tokens (derived from the key file, see app.ts). */
  signingKey: Buffer;
  /** The SCIM routes' authenticator, which the self-rotation routes share. */
  bearer: BearerAuth;
  /** The event feed and webhook administration (src/http/event-setup.ts). */
  events: EventServices;
  /** The SCIM operations, for browsing a directory's users and groups. */
  resources: ResourceService;
  /** The provisioning engine, for /connections. */
  provisioning: ProvisioningRuntime;
  /** Where clients reach the server, for tenant URLs. */
  publicUrl: PublicUrl;
  /** Announces expired or revoked admin secrets that are still presented (the secret lifecycle). */
  rejections: AdminSecretRejections;
}

/**
 * The admin API (register with `prefix: ADMIN_PREFIX`): thin JSON handlers over AdminService,
 * errors as RFC 9457 problem details. Each route declares a RouteSchema that validates its input
 * and describes it in the OpenAPI document. Admin routes need an admin secret; `/self/*` a
 * directory secret; the OpenAPI document is public, since it describes the API and holds no data.
 */
export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { store, config, clock, failedAuths } = options;
  const service = new AdminService(store, { clock, warningDays: config.expiryWarningDays, secretLifetimeMs: config.secretLifetimeMs });
  const sessions = new SessionTokenCodec(options.signingKey, SESSION_LIFETIMES);
  const auth = new AdminAuth(store, failedAuths, clock, options.rejections, sessions);
  registerProblemErrors(app);
  useSchemaValidation(app);
  // Every route below declares a RouteSchema; the document is written from them once all are registered.
  const routes = collectRoutes(app);
  let document: object | undefined;
  app.addHook('onRequest', rejectUnstorableUrlText);
  // Admin answers describe secrets and tenants: no cache may keep them.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  app.get('/openapi.json', { schema: OPENAPI_SCHEMA }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send((document ??= adminOpenApiDocument(routes, ADMIN_PREFIX))),
  );

  const context: AdminRouteContext = {
    service,
    actor: (request) => auth.actorOf(request),
    scimUrl: () => options.publicUrl.scim('/scim/v2'),
  };
  await app.register(async (admin) => {
    admin.addHook('onRequest', auth.authenticate);
    registerDirectoryRoutes(admin, context);
    registerSecretRoutes(admin, context);
    registerStatusRoutes(admin, context, () => options.provisioning.connections(), clock);
    registerEventRoutes(admin, { store, feed: options.events.feed, scimUrl: context.scimUrl });
    registerWebhookRoutes(admin, { ...context, webhooks: options.events.webhooks });
    registerNotificationRoutes(admin, { ...context, notifications: options.events.notifications, store });
    registerBrowseRoutes(admin, { context, resources: options.resources, store, clock });
    registerConnectionRoutes(admin, () => options.provisioning.connections(), context.actor);
  });
  await app.register(selfRoutes, { service, bearer: options.bearer });
  await app.register(sessionRoutes, { auth, sessions, store, clock });
}
