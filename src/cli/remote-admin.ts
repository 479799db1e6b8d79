import { HttpAdminClient } from '../admin/http-admin-client.js';
import { invalidValue } from '../scim/errors.js';
import type { AdminConnectionOptions } from './admin-connection.js';

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
