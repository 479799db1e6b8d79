import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { AdminClient } from '../admin/admin-client.js';
import { HttpAdminClient } from '../admin/http-admin-client.js';
import { LocalAdminClient } from '../admin/local-admin-client.js';
import { invalidValue } from '../scim/errors.js';
import { openStore } from '../store/open-store.js';
import { adminConfig } from './admin-options.js';
import { databaseOf, existingDatabaseOf, scimUrl, type GlobalOptions } from './context.js';
import { lifecycleConfig } from './lifecycle-options.js';
import { webhookConfig } from './webhook-options.js';
import { connectionEncryptor } from '../provisioning/connections/encryption-key.js';
import { HttpConnectionClient, type ConnectionClient } from '../provisioning/connections/connection-client.js';
import { ConnectionService } from '../provisioning/connections/connection-service.js';
import { withConnections } from '../provisioning/connections/open-connections.js';
import { CredentialKeeper } from '../provisioning/credentials/credential-keeper.js';
import type { LifecycleLogger } from '../lifecycle/lifecycle-logger.js';
import { WebhookSecrets } from '../webhooks/webhook-secrets.js';
import { WebhookService } from '../webhooks/webhook-service.js';

/** Reading an expiry logs nothing; a CLI command reports through its own output. */
const QUIET: LifecycleLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Options of every administration command: a database, or a server and an admin secret. */
export interface AdminConnectionOptions extends GlobalOptions {
  url?: string;
  adminSecret?: string;
}

/** The options every command takes, merged with its own (commander keeps global ones on the program). */
export function commandOptions<T extends AdminConnectionOptions>(options: T, command: Command): T {
  return { ...command.optsWithGlobals(), ...options } as T;
}

/**
 * Runs a command against `--url` (the admin API, with --admin-secret or SCIMD_ADMIN_SECRET) or,
 * by default, directly on the database, and closes the connection afterwards.
 */
export async function withAdminClient<T>(options: AdminConnectionOptions, work: (client: AdminClient) => Promise<T>, env = process.env): Promise<T> {
  const client = await openAdminClient(options, env);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/**
 * Runs a `connection` or `sync` command through `--url` (the admin API) or on the database, like
 * withAdminClient.
 */
export async function withConnectionClient<T>(options: AdminConnectionOptions, work: (client: ConnectionClient) => Promise<T>, env = process.env): Promise<T> {
  const remote = remoteAdmin(options, env);
  if (remote) return work(new HttpConnectionClient(remote));
  return withConnections(existingDatabaseOf(options), (store, encryptor) => {
    // As in the server: a passing test reads a scimd target's secret expiry and stores it.
    const keeper = new CredentialKeeper({ store, encryptor, log: QUIET, clock: () => new Date() });
    return work(new ConnectionService(store, encryptor, { actor: { id: `cli:${osUser(env)}`, ip: null }, afterTest: (connection, report) => keeper.afterTest(connection, report) }));
  });
}

/** The server's admin API when `--url` (or SCIMD_URL) is given, checked; undefined for the database. */
export function remoteAdmin(options: AdminConnectionOptions, env: NodeJS.ProcessEnv): HttpAdminClient | undefined {
  const url = options.url ?? env.SCIMD_URL;
  if (!url) return undefined;
  if (options.db) throw invalidValue('Give --db (act on the database) or --url (act through a server), not both');
  if (!/^https?:\/\//i.test(url)) throw invalidValue(`--url ${JSON.stringify(url)} is not an http:// or https:// URL`);
  const secret = options.adminSecret ?? env.SCIMD_ADMIN_SECRET;
  if (!secret) throw invalidValue('--url needs an admin secret: set SCIMD_ADMIN_SECRET (or pass --admin-secret)');
  return new HttpAdminClient(url, secret);
}

async function openAdminClient(options: AdminConnectionOptions, env: NodeJS.ProcessEnv): Promise<AdminClient> {
  const remote = remoteAdmin(options, env);
  if (remote) return remote;
  const config = { ...lifecycleConfig({}, env), ...adminConfig({}, env) };
  const store = await openStore(existingDatabaseOf(options));
  const clock = () => new Date();
  const webhooks = () => new WebhookService(store, { clock, secrets: new WebhookSecrets(connectionEncryptor(databaseOf(options), env)), timeoutMs: webhookConfig({}, env).webhookTimeoutMs });
  return new LocalAdminClient(store, { clock, warningDays: config.expiryWarningDays, secretLifetimeMs: config.secretLifetimeMs }, { id: `cli:${osUser(env)}`, ip: null }, scimUrl(), webhooks);
}

/** Who runs the command, for the audit log. */
export function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** The commands that can act through the admin API; the others work on the database only. */
const REMOTE_CAPABLE = new Set(['directory', 'token', 'admin', 'status', 'audit', 'events', 'webhook', 'connection', 'sync', 'notify']);

/**
 * Refuses `--url` on a command that cannot use it, instead of letting it quietly act on the
 * local database while the user believes it reached a server.
 */
export function refuseUrlWhereUnsupported(program: Command): void {
  program.hook('preAction', (_program, action) => {
    let top = action;
    while (top.parent && top.parent !== program) top = top.parent;
    if ((action.optsWithGlobals() as AdminConnectionOptions).url !== undefined && !REMOTE_CAPABLE.has(top.name())) {
      throw invalidValue(`scimd ${top.name()} works on the database (--db) only; --url is for ${[...REMOTE_CAPABLE].join(', ')}`);
    }
  });
}
