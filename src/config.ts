import type { FilterLimits } from './scim/filter/parser.js';
import { DEFAULT_FILTER_LIMITS } from './scim/filter/parser.js';
import { DEFAULT_EXPIRY_WARNING_DAYS } from './lifecycle/expiry-warnings.js';
import { DEFAULT_LIMITS, type ServerLimits } from './http/limits/server-limits.js';
import type { TrustProxy } from './http/trust-proxy.js';
import { DEFAULT_NOTIFY_CONFIG, type NotifyConfig } from './notifications/notify-config.js';

/** Everything `scimd serve` can be told, with the defaults a fresh install runs with. */
export interface ServerConfig {
  host: string;
  port: number;
  /** `./data/scimd.db`, `sqlite:path` or `postgres://…`. */
  db: string;
  /** Largest request body accepted, in bytes (Bulk included). */
  bodyLimit: number;
  defaultPageSize: number;
  maxPageSize: number;
  bulkMaxOperations: number;
  maxPatchOperations: number;
  cursorTimeoutSeconds: number;
  filterLimits: FilterLimits;
  /** Create a `default` directory and print a first secret when the database is empty. */
  bootstrap: boolean;
  /** Apply pending schema migrations on start (off when operators run `scimd migrate` themselves). */
  migrate: boolean;
  /** PostgreSQL: most pooled connections per process, and the longest a statement may run. */
  dbPoolSize: number;
  dbStatementTimeoutMs: number;
  /** PostgreSQL: ANALYZE the resource tables after large growth rather than wait for autovacuum (statistics-keeper.ts). */
  dbAnalyze: boolean;
  /** SQLite: fsync every commit (FULL, survives power loss) or at checkpoints (NORMAL). */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Which proxies may set the client address and scheme (X-Forwarded-For/-Proto): none, a hop count or addresses. */
  trustProxy: TrustProxy;
  /** The URL clients reach scimd at; absolute URLs are built from it (else from the listen address), never from request headers. */
  publicUrl?: string;
  /** PEM files to serve HTTPS directly; both or neither. Reloaded when they change. */
  tlsCert?: string;
  tlsKey?: string;
  /** Serve /metrics without an admin secret (for a scraper on a private network). */
  metricsPublic: boolean;
  /** How long a stopping server waits for in-flight requests before it exits anyway, in ms. */
  shutdownTimeoutMs: number;
  logLevel: string;
  /** Secret lifecycle: days before expiry that each raise one `secret.expiring` event. */
  expiryWarningDays: number[];
  /** How long events stay in the outbox, in ms. */
  eventRetentionMs: number;
  /** Lifetime of OAuth access tokens, in seconds (1 to 6 hours). */
  accessTokenLifetimeSeconds: number;
  /** Failed authentications one client address may make per minute before 429; 0 is no limit. */
  authFailureLimit: number;
  /** How often buffered connection activity (request counts, last use) is written, in ms. */
  activityFlushMs: number;
  /** Default lifetime of new client and admin secrets where a directory sets none, in ms; null never expires. */
  secretLifetimeMs: number | null;
  /** Webhooks: longest wait for a receiver's answer, in ms. */
  webhookTimeoutMs: number;
  /** Webhooks: delay after a first failure (doubling after each further one) and the longest delay, in ms. */
  webhookRetryMinDelayMs: number;
  webhookRetryMaxDelayMs: number;
  /** Webhooks: how long an event is retried before its stream is dead-lettered (paused), in ms. */
  webhookRetryWindowMs: number;
  /** How often the event feed's long-polls and the webhook dispatcher look for other replicas' events, in ms. */
  eventPollMs: number;
  /** Webhook streams one process delivers at once. */
  webhookConcurrency: number;
  /** Least time between two webhook claims when the first started nothing, in ms (no flag: tests lengthen it to see it). */
  webhookClaimGapMs: number;
  /** Timeouts and per-request / per-directory caps (src/http/limits/server-limits.ts). */
  limits: ServerLimits;
  /** Notifications to people: SMTP server, sender, quiet-directory threshold, console links. */
  notify: NotifyConfig;
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  db: './data/scimd.db',
  bodyLimit: 1024 * 1024,
  defaultPageSize: 100,
  maxPageSize: 1000,
  bulkMaxOperations: 1000,
  maxPatchOperations: 1000,
  cursorTimeoutSeconds: 24 * 3600,
  filterLimits: DEFAULT_FILTER_LIMITS,
  bootstrap: true,
  migrate: true,
  dbPoolSize: 10,
  dbStatementTimeoutMs: 30_000,
  dbAnalyze: true,
  sqliteSynchronous: 'FULL',
  trustProxy: false,
  metricsPublic: false,
  shutdownTimeoutMs: 25_000,
  logLevel: 'info',
  expiryWarningDays: DEFAULT_EXPIRY_WARNING_DAYS,
  eventRetentionMs: 30 * 86_400_000,
  accessTokenLifetimeSeconds: 3600,
  authFailureLimit: 20,
  activityFlushMs: 5000,
  secretLifetimeMs: 365 * 86_400_000,
  webhookTimeoutMs: 10_000,
  webhookRetryMinDelayMs: 5_000,
  webhookRetryMaxDelayMs: 3_600_000,
  webhookRetryWindowMs: 3 * 86_400_000,
  eventPollMs: 1_000,
  webhookClaimGapMs: 20,
  webhookConcurrency: 8,
  limits: DEFAULT_LIMITS,
  notify: DEFAULT_NOTIFY_CONFIG,
};
