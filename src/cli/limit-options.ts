import type { Command } from 'commander';
import { parseDuration } from '../auth/duration.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../http/limits/server-limits.js';
import { invalidValue } from '../scim/errors.js';

/** The `scimd serve` flags of timeouts and caps, as commander hands them over (camel-cased flag names). */
export type LimitFlags = Partial<Record<string, unknown>>;

type Kind = 'duration' | 'count';

/** One row per limit: its flag, its environment variable, and what it bounds (also the --help text). */
const LIMIT_FLAGS: { key: keyof ServerLimits; flag: string; kind: Kind; help: string }[] = [
  { key: 'headersTimeoutMs', flag: 'headers-timeout', kind: 'duration', help: 'longest wait for a request\'s headers' },
  { key: 'requestTimeoutMs', flag: 'request-timeout', kind: 'duration', help: 'longest wait for a whole request, body included; then 408' },
  { key: 'idleTimeoutMs', flag: 'idle-timeout', kind: 'duration', help: 'close a connection silent both ways for this long' },
  { key: 'keepAliveTimeoutMs', flag: 'keep-alive-timeout', kind: 'duration', help: 'how long an idle keep-alive connection stays open' },
  { key: 'maxUrlLength', flag: 'max-url-length', kind: 'count', help: 'longest request URL in characters; then 414' },
  { key: 'maxProjectionEntries', flag: 'max-projection-entries', kind: 'count', help: 'most entries in attributes plus excludedAttributes; then 400 tooMany' },
  { key: 'directoryConcurrency', flag: 'directory-concurrency', kind: 'count', help: 'SCIM requests of one directory served at once, 0 for no limit; then 429' },
  { key: 'directoryRatePerMinute', flag: 'directory-rate-limit', kind: 'count', help: 'SCIM requests one directory may make per minute, 0 for no limit; then 429 with Retry-After' },
  { key: 'maxResponseBytes', flag: 'max-response-bytes', kind: 'count', help: 'largest SCIM read response in bytes, 0 for no cap; then 400 tooMany' },
];

const envName = (flag: string) => `SCIMD_${flag.replace(/-/g, '_').toUpperCase()}`;
const camel = (flag: string) => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

function describeDefault(kind: Kind, value: number): string {
  if (kind === 'duration') return value % 1000 === 0 ? `${value / 1000}s` : `${value}ms`;
  return String(value);
}

export function addLimitOptions(command: Command): Command {
  for (const { key, flag, kind, help } of LIMIT_FLAGS) {
    const argument = kind === 'duration' ? '<duration>' : '<n>';
    command.option(`--${flag} ${argument}`, `${help} (env ${envName(flag)}; default ${describeDefault(kind, DEFAULT_LIMITS[key])})`);
  }
  return command;
}

/** Flags first, then environment variables, then defaults. */
export function limitConfig(flags: LimitFlags, env: NodeJS.ProcessEnv): { limits: ServerLimits } {
  const limits: ServerLimits = { ...DEFAULT_LIMITS };
  for (const { key, flag, kind } of LIMIT_FLAGS) {
    const given = flags[camel(flag)] ?? env[envName(flag)];
    if (given === undefined || given === '') continue;
    const text = String(given).trim();
    if (kind === 'duration') {
      const ms = /^\d+$/.test(text) ? Number(text) * 1000 : parseDuration(text);
      if (typeof ms !== 'number') throw invalidValue(`--${flag} ${JSON.stringify(text)} is not a duration such as 30s`);
      limits[key] = ms;
    } else {
      if (!/^\d+$/.test(text)) throw invalidValue(`--${flag} ${JSON.stringify(text)} must be a non-negative integer`);
      limits[key] = Number(text);
    }
  }
  return { limits };
}
