import type { Command } from 'commander';
import { DURATION_UNITS } from '../auth/duration.js';
import { readSecretLifetime } from '../auth/secret-lifetime.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import { invalidValue } from '../scim/errors.js';

/** `scimd serve` flags of administration, as commander hands them over. */
export interface AdminFlags {
  secretLifetime?: string;
}

export function addAdminOptions(command: Command): Command {
  return command.option(
    '--secret-lifetime <duration>',
    `default lifetime of new client and admin secrets where a directory sets none, from 1h to 100y: 90d, 6mo, 1y, never (units ${DURATION_UNITS}; env SCIMD_SECRET_LIFETIME; default 365d)`,
  );
}

/** Flags first, then environment variables, then defaults. The CLI's local mode reads the same variable. */
export function adminConfig(flags: AdminFlags, env: NodeJS.ProcessEnv): Pick<ServerConfig, 'secretLifetimeMs'> {
  const text = flags.secretLifetime ?? env.SCIMD_SECRET_LIFETIME;
  if (!text) return { secretLifetimeMs: DEFAULT_CONFIG.secretLifetimeMs };
  const ms = readSecretLifetime(text, '--secret-lifetime');
  if (ms instanceof Error) throw invalidValue(ms.message);
  return { secretLifetimeMs: ms };
}
