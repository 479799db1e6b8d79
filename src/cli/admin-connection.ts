import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { AdminClient } from '../admin/admin-client.js';
import type { NotificationClient } from '../notifications/notification-client.js';
import type { ConnectionClient } from '../provisioning/connections/connection-client.js';
import { invalidValue } from '../scim/errors.js';
import type { GlobalOptions } from './context.js';

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
  const { openAdminClient } = await import('./open-admin-client.js');
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
  const { runWithConnectionClient } = await import('./open-connection-client.js');
  return runWithConnectionClient(options, work, env);
}

/** Runs a `notify` command through `--url` (the admin API) or on the database, like withAdminClient. */
export async function withNotificationClient<T>(options: AdminConnectionOptions, work: (client: NotificationClient) => Promise<T>, env = process.env): Promise<T> {
  const { runWithNotificationClient } = await import('./open-notification-client.js');
  return runWithNotificationClient(options, work, env);
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
