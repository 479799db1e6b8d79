import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { BulkService } from '../directory/bulk-service.js';
import { CursorCodec } from '../directory/cursor-codec.js';
import { ResourceService, type RequestContext } from '../directory/resource-service.js';
import type { ServerConfig } from '../config.js';
import { notImplemented } from '../scim/errors.js';
import type { ProtocolSettings } from '../scim/discovery/service-provider-config.js';
import type { SecretProbe, Store } from '../store/store.js';
import type { Encryptor } from '../auth/encryption.js';
import { serverEncryptor } from '../provisioning/connections/encryption-key.js';
import { FailedAuthLimiter } from '../auth/failed-auth-limiter.js';
import { registerLifecycle } from './lifecycle-setup.js';
import { registerEvents } from './event-setup.js';
import { registerProvisioning } from './provisioning-setup.js';
import { registerStatistics } from './statistics-setup.js';
import { ADMIN_PREFIX, adminApi } from './admin/admin-api.js';
import { OAUTH_TOKEN_PATH } from './oauth/oauth-routes.js';
import { registerDiscoveryRoutes } from './scim/discovery-routes.js';
import { registerScimErrors, replyFrameworkError } from './scim/errors.js';
import { rejectUnstorableUrlText, storableJsonParser } from './scim/storable-input.js';
import { registerResourceRoutes } from './scim/resource-routes.js';
import { registerHeldAnswers, writesNothing } from './scim/held-answers.js';
import { sendScim } from './scim/scim-reply.js';
import { registerMetrics } from './metrics/metrics-routes.js';
import { metricsAccess } from './metrics/metrics-access.js';
import type { SecretUsage } from '../lifecycle/secret-usage.js';
import { registerConnectionMetrics } from './metrics/connection-metrics.js';
import { logDirectory, registerRequestLog, requestLogOptions } from './request-log.js';
import { registerResponseSecurityHeaders } from './response-security-headers.js';
import { registerCertificateReload } from './tls/certificate-reload.js';
import { defaultConsoleDirectory, registerConsole } from './console/console-routes.js';
import { httpsServerOption, tlsFilesOf } from './tls/tls-files.js';
import { applyServerTimeouts, serverTimeoutOptions } from './limits/server-timeouts.js';
import { rejectLongUrls } from './limits/url-length.js';
import { PublicUrl } from './public-url.js';
import { trustFunction } from './trust-proxy.js';
import { DirectoryAdmission } from './limits/directory-admission.js';
import { admitForDirectory } from './limits/admission-hook.js';

export const SCIM_PREFIX = '/scim/v2';

export interface AppOptions {
  store: Store;
  config: ServerConfig;
  /** The clock every expiry and timestamp reads; tests inject their own. */
  clock?: () => Date;
  /** A pino logger configuration, or false for none. */
  logger?: boolean | object;
  /** The key file's key (signing keys derive from it); by default SCIMD_ENCRYPTION_KEY or the key file of `config.db`. */
  encryptor?: Encryptor;
}

/** Builds the HTTP server: SCIM routes under /scim/v2 and health endpoints. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store, config } = options;
  const clock = options.clock ?? (() => new Date());
  const trustedHop = trustFunction(config.trustProxy);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy === false ? false : trustedHop,
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      // Entra form-encodes filters (`+` for spaces); URLSearchParams decodes both `+` and `%20`.
      querystringParser: parseQueryString,
    },
    // Malformed URLs (bad percent-encoding, overlong ids) get a SCIM error body too.
    frameworkErrors: replyFrameworkError,
    ...requestLogOptions((peer) => trustedHop(peer, 0)),
    ...httpsServerOption(tlsFilesOf(config)),
    ...serverTimeoutOptions(config.limits),
  });
  applyServerTimeouts(app.server, config.limits);
  app.addHook('onRequest', rejectLongUrls(config.limits.maxUrlLength));

  // Only JSON bodies: without this, Fastify's built-in text/plain parser would hand a string to
  // the routes instead of answering 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(['application/scim+json', 'application/json'], { parseAs: 'string' }, storableJsonParser(app.getDefaultJsonParser('error', 'error')));

  // One count of failed authentications for the whole server: SCIM, the token endpoint, the admin
  // API and /metrics share it, so a client guessing secrets cannot multiply its attempts by
  // switching endpoints.
  const failedAuths = new FailedAuthLimiter(config.authFailureLimit);
  const publicUrl = new PublicUrl(config.publicUrl, { host: config.host, tls: tlsFilesOf(config) !== undefined, address: () => app.server.address() });
  app.decorate('publicUrl', publicUrl);
  registerRequestLog(app);
  registerResponseSecurityHeaders(app, { tls: tlsFilesOf(config) !== undefined });
  // A scraper still sending an expired or revoked admin secret is announced like any other use;
  // the lifecycle that does it is registered further down, before the first request.
  const adminRejections = { rejected: (...args: Parameters<SecretUsage['rejected']>) => app.lifecycle.usage.rejected(...args) };
  const metrics = registerMetrics(app, { store, clock, access: metricsAccess(config, store, clock, failedAuths, adminRejections) });
  registerCertificateReload(app, tlsFilesOf(config));

  const protocol: ProtocolSettings = {
    defaultPageSize: config.defaultPageSize,
    maxPageSize: config.maxPageSize,
    maxResults: config.maxPageSize,
    bulkMaxOperations: config.bulkMaxOperations,
    bulkMaxPayloadSize: config.bodyLimit,
    cursorTimeout: config.cursorTimeoutSeconds,
    oauthTokenPath: OAUTH_TOKEN_PATH,
  };
  // Signing keys come from the key file, never from the database (see docs/security.md).
  const signingKey = (options.encryptor ?? serverEncryptor(config.db)).signingKey();
  const cursors = new CursorCodec(signingKey, config.cursorTimeoutSeconds);
  registerStatistics(app, { store, config, metrics });
  const resources = new ResourceService(
    store,
    {
      paging: { defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize },
      filterLimits: config.filterLimits,
      maxPatchOperations: config.maxPatchOperations,
      maxProjectionEntries: config.limits.maxProjectionEntries,
      maxResponseBytes: config.limits.maxResponseBytes,
    },
    cursors,
  );
  const bulk = new BulkService(resources, config.bulkMaxOperations);
  const auth = await registerLifecycle(app, { store, config, clock, failedAuths, signingKey, origin: () => publicUrl.origin() });
  const events = registerEvents(app, { store, config, clock });
  const provisioning = registerProvisioning(app, { store, config, clock });
  registerConnectionMetrics(metrics, () => provisioning.connections(), clock, Math.max(...config.expiryWarningDays), app.log);
  const baseUrl = () => publicUrl.scim(SCIM_PREFIX);

  app.get('/healthz', async () => ({ status: 'ok' }));
  await registerConsole(app, { directory: defaultConsoleDirectory() });
  app.get('/readyz', async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ready', database: store.kind };
    } catch (err) {
      request.log.warn({ err }, 'database not reachable');
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', database: store.kind });
    }
  });

  await app.register(
    async (scim) => {
      registerScimErrors(scim);
      scim.addHook('onRequest', rejectUnstorableUrlText);
      registerDiscoveryRoutes(scim, protocol, baseUrl);
      // Every other SCIM route authenticates in onRequest, before Fastify reads a body: a client
      // without a valid secret cannot hold a socket by sending one slowly.
      await scim.register(async (authenticated) => {
        const directories = new WeakMap<FastifyRequest, { directoryId: string; probe: SecretProbe | undefined }>();
        const admission = new DirectoryAdmission(config.limits.directoryConcurrency, config.limits.directoryRatePerMinute, clock);
        // A request that writes nothing may start on a cached secret while the database confirms
        // it; its answer waits for that (writes wait before they start: docs/performance.md).
        const holdAnswer = registerHeldAnswers(authenticated);
        authenticated.addHook('onRequest', async (request, reply) => {
          const { directoryId, confirm, probe } = await auth.directoryFor(request, { ahead: writesNothing(request) });
          if (confirm) holdAnswer(request, reply, confirm);
          logDirectory(request, directoryId);
          directories.set(request, { directoryId, probe });
          return admitForDirectory(admission, request, reply, directoryId);
        });
        const context = (request: FastifyRequest): RequestContext => {
          const authenticated = directories.get(request);
          if (authenticated === undefined) throw new Error('SCIM route reached without authentication');
          const { directoryId, probe } = authenticated;
          return { directoryId, baseUrl: baseUrl(), now: clock(), ...(probe ? { secretProbe: probe } : {}) };
        };
        registerResourceRoutes(authenticated, resources, context);
        authenticated.post('/Bulk', async (request, reply) => sendScim(reply, 200, await bulk.execute(context(request), request.body)));
        authenticated.all('/Me', async () => {
          throw notImplemented('/Me is not supported: scimd is called by provisioning clients, not by users');
        });
      });
    },
    { prefix: SCIM_PREFIX },
  );
  await app.register(adminApi, { prefix: ADMIN_PREFIX, store, config, clock, failedAuths, signingKey, bearer: auth, resources, events, provisioning, publicUrl, rejections: adminRejections });
  registerScimErrors(app);
  return app;
}

function parseQueryString(query: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing, value];
  }
  return result;
}
