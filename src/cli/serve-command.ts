import type { Command } from 'commander';
import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import { invalidValue } from '../scim/errors.js';
import { describeDatabase, openStore } from '../store/open-store.js';
import { addAdminOptions, adminConfig, type AdminFlags } from './admin-options.js';
import { adminSecretNotice, bootstrapBanner, bootstrapIfEmpty } from './bootstrap.js';
import { addLifecycleOptions, lifecycleConfig, type LifecycleFlags } from './lifecycle-options.js';
import { shutdownOnSignals } from './graceful-shutdown.js';
import { addWebhookOptions, webhookConfig, type WebhookFlags } from './webhook-options.js';
import { addLimitOptions, limitConfig, type LimitFlags } from './limit-options.js';
import { addProxyOptions, proxyConfig, type ProxyFlags } from './proxy-options.js';
import { addNotifyOptions, notifyConfig, type NotifyFlags } from './notify-options.js';

interface ServeOptions extends LifecycleFlags, AdminFlags, WebhookFlags, LimitFlags, ProxyFlags, NotifyFlags {
  port?: string;
  host?: string;
  db?: string;
  bootstrap?: boolean;
  migrate?: boolean;
  logLevel?: string;
  bodyLimit?: string;
  dbPoolSize?: string;
  dbStatementTimeout?: string;
  dbAnalyze?: boolean;
  sqliteSynchronous?: string;
  tlsCert?: string;
  tlsKey?: string;
  metricsPublic?: boolean;
  shutdownTimeout?: string;
}

export function registerServeCommand(program: Command): void {
  addNotifyOptions(addProxyOptions(addLimitOptions(addWebhookOptions(addAdminOptions(addLifecycleOptions(program.command('serve')))))))
    .description('serve the SCIM 2.0 API (and, on an empty database, create a first directory and secret)')
    .option('--port <port>', 'TCP port; 0 picks a free one, printed on start (env SCIMD_PORT; default 8080)')
    .option('--host <host>', 'address to listen on (env SCIMD_HOST; default 127.0.0.1)')
    .option('--no-bootstrap', 'do not create a "default" directory and secret on an empty database')
    .option('--no-migrate', 'do not apply schema migrations on start; refuse to start if any are pending')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent (env SCIMD_LOG_LEVEL)')
    .option('--body-limit <bytes>', 'largest request body in bytes (env SCIMD_BODY_LIMIT)')
    .option('--db-pool-size <n>', 'PostgreSQL connections per process (env SCIMD_DB_POOL_SIZE; default 10)')
    .option('--db-statement-timeout <ms>', 'longest a database query may run in ms, then 503 with Retry-After (PostgreSQL statement_timeout; on SQLite a deadline checked as resource queries read rows) (env SCIMD_DB_STATEMENT_TIMEOUT; default 30000)')
    .option('--no-db-analyze', 'PostgreSQL: do not ANALYZE (and then VACUUM) the resource tables after large growth; leave planner statistics and the visibility map to autovacuum (env SCIMD_NO_DB_ANALYZE=1)')
    .option('--sqlite-synchronous <mode>', 'SQLite durability: FULL (every write on disk before it is answered; concurrent writes share one fsync) or NORMAL (fsync at checkpoints only) (env SCIMD_SQLITE_SYNCHRONOUS; default FULL)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate chain, reloaded when it changes (env SCIMD_TLS_CERT; needs --tls-key)')
    .option('--tls-key <file>', 'the PEM private key for --tls-cert (env SCIMD_TLS_KEY)')
    .option('--metrics-public', 'serve /metrics without an admin secret (env SCIMD_METRICS_PUBLIC=1)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM/SIGINT, how long to wait for in-flight requests before exiting (env SCIMD_SHUTDOWN_TIMEOUT; default 25000)')
    .action(async (options: ServeOptions, command: Command) => {
      const config = serverConfig({ ...command.optsWithGlobals(), ...options });
      await serve(config);
    });
}

/** Flags first, then environment variables, then defaults. */
export function serverConfig(options: ServeOptions, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const integer = (value: string | undefined, name: string, fallback: number) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw invalidValue(`${name} must be a non-negative integer, not ${JSON.stringify(value)}`);
    return n;
  };
  return {
    ...DEFAULT_CONFIG,
    host: options.host ?? env.SCIMD_HOST ?? DEFAULT_CONFIG.host,
    port: integer(options.port ?? env.SCIMD_PORT, 'port', DEFAULT_CONFIG.port),
    db: options.db ?? env.SCIMD_DB ?? DEFAULT_CONFIG.db,
    bootstrap: options.bootstrap !== false && env.SCIMD_NO_BOOTSTRAP !== '1',
    migrate: options.migrate !== false && env.SCIMD_NO_MIGRATE !== '1',
    logLevel: options.logLevel ?? env.SCIMD_LOG_LEVEL ?? DEFAULT_CONFIG.logLevel,
    bodyLimit: integer(options.bodyLimit ?? env.SCIMD_BODY_LIMIT, 'body limit', DEFAULT_CONFIG.bodyLimit),
    dbPoolSize: integer(options.dbPoolSize ?? env.SCIMD_DB_POOL_SIZE, 'database pool size', DEFAULT_CONFIG.dbPoolSize),
    dbStatementTimeoutMs: integer(options.dbStatementTimeout ?? env.SCIMD_DB_STATEMENT_TIMEOUT, 'statement timeout', DEFAULT_CONFIG.dbStatementTimeoutMs),
    dbAnalyze: options.dbAnalyze !== false && env.SCIMD_NO_DB_ANALYZE !== '1',
    sqliteSynchronous: synchronousMode(options.sqliteSynchronous ?? env.SCIMD_SQLITE_SYNCHRONOUS),
    ...tlsFiles(options.tlsCert || env.SCIMD_TLS_CERT, options.tlsKey || env.SCIMD_TLS_KEY),
    metricsPublic: options.metricsPublic === true || env.SCIMD_METRICS_PUBLIC === '1',
    shutdownTimeoutMs: integer(options.shutdownTimeout ?? env.SCIMD_SHUTDOWN_TIMEOUT, 'shutdown timeout', DEFAULT_CONFIG.shutdownTimeoutMs),
    ...lifecycleConfig(options, env),
    ...adminConfig(options, env),
    ...webhookConfig(options, env),
    ...limitConfig(options, env),
    ...proxyConfig(options, env),
    ...notifyConfig(options, env),
  };
}

function tlsFiles(cert: string | undefined, key: string | undefined): Pick<ServerConfig, 'tlsCert' | 'tlsKey'> {
  if (!cert && !key) return {};
  if (!cert || !key) throw invalidValue('HTTPS needs both --tls-cert and --tls-key (or SCIMD_TLS_CERT and SCIMD_TLS_KEY)');
  return { tlsCert: cert, tlsKey: key };
}

function synchronousMode(value: string | undefined): ServerConfig['sqliteSynchronous'] {
  if (value === undefined || value === '') return DEFAULT_CONFIG.sqliteSynchronous;
  const mode = value.toUpperCase();
  if (mode !== 'FULL' && mode !== 'NORMAL') throw invalidValue(`SQLite synchronous mode must be FULL or NORMAL, not ${JSON.stringify(value)}`);
  return mode;
}

async function serve(config: ServerConfig): Promise<void> {
  // Loaded here, not at the top, so the other commands start without loading Fastify.
  const { buildApp, SCIM_PREFIX } = await import('../http/app.js');
  const { loggerOptions } = await import('../http/logger-options.js');
  const { setUpAdminSecret } = await import('../admin/admin-bootstrap.js');
  const store = await openStore(config.db, {
    migrations: config.migrate ? 'apply' : 'require',
    postgres: { maxConnections: config.dbPoolSize, statementTimeoutMs: config.dbStatementTimeoutMs },
    sqlite: { synchronous: config.sqliteSynchronous, statementTimeoutMs: config.dbStatementTimeoutMs },
  });
  const app = await buildApp({
    store,
    config,
    logger: config.logLevel === 'silent' ? false : loggerOptions(config.logLevel),
  });
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await store.close();
    throw listenError(error, config);
  }
  // First secrets only once the server listens: a start that fails (a busy port) must not create
  // secrets it never shows, or the next start would have nothing to print.
  const adminSecret = await setUpAdminSecret(store, { environmentSecret: process.env.SCIMD_ADMIN_SECRET, bootstrap: config.bootstrap, now: new Date(), lifetimeMs: config.secretLifetimeMs });
  const bootstrap = config.bootstrap ? await bootstrapIfEmpty(store, new Date(), config.secretLifetimeMs) : undefined;
  // Expiry warnings, expiry announcements, automatic revocation and event retention: now and every minute.
  app.lifecycle.startSweeper();
  // PostgreSQL: planner statistics refreshed after large growth, looked at only after writes.
  app.statistics?.start();
  // Provisioning connections run on their schedules; replicas share the work through each connection's lease.
  if (process.env.SCIMD_NO_SCHEDULER !== '1') await app.provisioning.startScheduler();
  const url = `${address.replace('[::1]', 'localhost')}${SCIM_PREFIX}`;
  const publicUrl = app.publicUrl.scim(SCIM_PREFIX);
  // Webhook delivery, in the background: the SCIM URL is the `iss` of SET-format deliveries.
  app.webhooks.start(publicUrl);
  // Before the line below: a supervisor that reads it may send SIGTERM at once, and until a handler
  // is installed the operating system's default for SIGTERM ends the process without shutting down.
  shutdownOnSignals(app, store, config.shutdownTimeoutMs);
  // stdout carries the JSON log lines, and this one line scripts wait for. The banner goes to
  // stderr, never through the logger: a person at the terminal sees it, a log shipper reading
  // stdout never receives the secret.
  process.stdout.write(`scimd serving ${url} on ${describeDatabase(config.db)}; admin console ${publicUrl.slice(0, -SCIM_PREFIX.length)}/\n`);
  if (bootstrap) process.stderr.write(bootstrapBanner(publicUrl, bootstrap));
  process.stderr.write(adminSecretNotice(publicUrl.slice(0, -SCIM_PREFIX.length), adminSecret));
  if (config.trustProxy === true) process.stderr.write('Warning: --trust-proxy all trusts every hop, so any client can forge its address (and dodge the failed-authentication limit); give a hop count or the proxies\' addresses instead\n');
}

/** Node's listen errors in words an operator can act on. */
function listenError(error: unknown, config: ServerConfig): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new Error(`Port ${config.port} on ${config.host} is already in use (is another scimd running?); choose another with --port <port> (or SCIMD_PORT), or --port 0 for any free port`);
  }
  if (code === 'EACCES') return new Error(`Not allowed to listen on port ${config.port} on ${config.host}; choose a port above 1023 with --port <port>`);
  if (code === 'EADDRNOTAVAIL') return new Error(`${config.host} is not an address of this machine; choose another with --host <address>`);
  return error;
}
