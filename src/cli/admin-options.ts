import type { Command } from 'commander';
import { parseDuration } from '../auth/duration.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import { MAX_LIFETIME_MS } from '../admin/settings-patch.js';
import { invalidValue } from '../scim/errors.js';

/** `scimd serve` flags of administration, as commander hands them over. */
export interface AdminFlags {
  secretLifetime?: string;
}

export function addAdminOptions(command: Command): Command {
  return command.option(
    '--secret-lifetime <duration>',
    'default lifetime of new client and admin secrets where a directory sets none: 90d, 1y, never (env SCIMD_SECRET_LIFETIME; default 365d)',
  );
}

/** Flags first, then environment variables, then defaults. The CLI's local mode reads the same variable. */
export function adminConfig(flags: AdminFlags, env: NodeJS.ProcessEnv): Pick<ServerConfig, 'secretLifetimeMs'> {
  const text = flags.secretLifetime ?? env.SCIMD_SECRET_LIFETIME;
  if (!text) return { secretLifetimeMs: DEFAULT_CONFIG.secretLifetimeMs };
  const ms = parseDuration(text);
  if (ms === undefined || (ms !== null && ms > MAX_LIFETIME_MS)) throw invalidValue(`--secret-lifetime ${JSON.stringify(text)} is not a duration such as 90d, 1y or never (at most 100 years)`);
  return { secretLifetimeMs: ms };
}
