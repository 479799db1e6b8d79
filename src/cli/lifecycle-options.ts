import type { Command } from 'commander';
import { durationHint, parseDuration } from '../auth/duration.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import { parseWarningDays } from '../lifecycle/expiry-warnings.js';
import { invalidValue } from '../scim/errors.js';

/** The `scimd serve` flags of the secret lifecycle, as commander hands them over. */
export interface LifecycleFlags {
  expiryWarnings?: string;
  eventRetention?: string;
  accessTokenLifetime?: string;
  authFailureLimit?: string;
}

type LifecycleConfig = Pick<ServerConfig, 'expiryWarningDays' | 'eventRetentionMs' | 'accessTokenLifetimeSeconds' | 'authFailureLimit'>;

const HOUR_MS = 3_600_000;

export function addLifecycleOptions(command: Command): Command {
  return command
    .option('--expiry-warnings <days>', 'days before a secret expires to warn, each once (env SCIMD_EXPIRY_WARNINGS; default 60,30,14,7,1; "none" for no warnings)')
    .option('--event-retention <duration>', 'how long events are kept (env SCIMD_EVENT_RETENTION; default 30d)')
    .option('--access-token-lifetime <duration>', 'lifetime of OAuth access tokens, 1h to 6h (env SCIMD_ACCESS_TOKEN_LIFETIME; default 1h)')
    .option('--auth-failure-limit <n>', 'failed authentications per client address per minute before 429; 0 for no limit (env SCIMD_AUTH_FAILURE_LIMIT; default 20)');
}

/** Flags first, then environment variables, then defaults. */
export function lifecycleConfig(flags: LifecycleFlags, env: NodeJS.ProcessEnv): LifecycleConfig {
  const config: LifecycleConfig = {
    expiryWarningDays: DEFAULT_CONFIG.expiryWarningDays,
    eventRetentionMs: DEFAULT_CONFIG.eventRetentionMs,
    accessTokenLifetimeSeconds: DEFAULT_CONFIG.accessTokenLifetimeSeconds,
    authFailureLimit: DEFAULT_CONFIG.authFailureLimit,
  };
  const warnings = flags.expiryWarnings ?? env.SCIMD_EXPIRY_WARNINGS;
  if (warnings) {
    const days = warnings.trim().toLowerCase() === 'none' ? [] : parseWarningDays(warnings);
    if (!days) throw invalidValue(`--expiry-warnings ${JSON.stringify(warnings)} is not a list of days such as 60,30,14,7,1`);
    config.expiryWarningDays = days;
  }
  const retention = flags.eventRetention ?? env.SCIMD_EVENT_RETENTION;
  if (retention) {
    const ms = parseDuration(retention);
    if (!ms) throw invalidValue(`--event-retention ${JSON.stringify(retention)} is not a duration such as 30d or 1y${durationHint(retention)}`);
    config.eventRetentionMs = ms;
  }
  const lifetime = flags.accessTokenLifetime ?? env.SCIMD_ACCESS_TOKEN_LIFETIME;
  if (lifetime) {
    const ms = parseDuration(lifetime);
    // Microsoft's gallery checks that access tokens last between 60 and 360 minutes.
    if (!ms || ms < HOUR_MS || ms > 6 * HOUR_MS) throw invalidValue(`--access-token-lifetime ${JSON.stringify(lifetime)} must be a duration from 1h to 6h (such as 90min)${ms === undefined ? durationHint(lifetime) : ''}`);
    config.accessTokenLifetimeSeconds = Math.floor(ms / 1000);
  }
  const limit = flags.authFailureLimit ?? env.SCIMD_AUTH_FAILURE_LIMIT;
  if (limit) {
    if (!/^\d+$/.test(limit.trim())) throw invalidValue(`--auth-failure-limit ${JSON.stringify(limit)} must be a non-negative integer`);
    config.authFailureLimit = Number(limit);
  }
  return config;
}
