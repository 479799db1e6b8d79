import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { AddressPolicy, parseRanges } from '../outbound/address-policy.js';
import { configureOutbound, DEFAULT_MAX_RESPONSE_BYTES, type OutboundSettings } from '../outbound/outbound-settings.js';
import { invalidValue } from '../scim/errors.js';

/** The flags of the server's own requests, as commander hands them over. */
export interface OutboundFlags {
  db?: string;
  outboundMaxResponseBytes?: string;
  outboundAllow?: string;
  outboundDeny?: string;
  sourceDir?: string;
}

/**
 * Global flags, since `serve` (scheduler, webhooks), `sync` and `connection create|update` all
 * make or check outbound requests; applied before any command's action runs.
 */
export function addOutboundOptions(program: Command): Command {
  return program
    .option('--outbound-max-response-bytes <bytes>', 'largest answer read from a target, a SCIM source or a token endpoint; a longer one aborts that request (env SCIMD_OUTBOUND_MAX_RESPONSE_BYTES; default 67108864, 64 MiB)')
    .option('--outbound-allow <cidrs>', 'only these address ranges may be reached by webhooks, targets and sources, e.g. 10.0.0.0/8,127.0.0.1 (env SCIMD_OUTBOUND_ALLOW; default: any but link-local and cloud metadata)')
    .option('--outbound-deny <cidrs>', 'address ranges never reached, on top of link-local and cloud metadata addresses (env SCIMD_OUTBOUND_DENY)')
    .option('--source-dir <folder>', 'the folder file: sources must live in (env SCIMD_SOURCE_DIR; default: the database\'s folder, ./data for PostgreSQL)')
    .hook('preAction', (_program, action) => {
      configureOutbound(outboundConfig(action.optsWithGlobals() as OutboundFlags, process.env));
    });
}

/** Flags first, then environment variables, then defaults. */
export function outboundConfig(flags: OutboundFlags, env: NodeJS.ProcessEnv): OutboundSettings {
  const bytesText = flags.outboundMaxResponseBytes ?? env.SCIMD_OUTBOUND_MAX_RESPONSE_BYTES;
  const maxResponseBytes = bytesText ? Number(bytesText) : DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1024) throw invalidValue(`--outbound-max-response-bytes ${JSON.stringify(bytesText)} must be a whole number of bytes, at least 1024`);
  const ranges = (flag: string | undefined, variable: string, name: string) => {
    try {
      return parseRanges(flag ?? env[variable] ?? '');
    } catch (error) {
      throw invalidValue(`--${name}: ${(error as Error).message}`);
    }
  };
  return {
    maxResponseBytes,
    policy: new AddressPolicy({ allow: ranges(flags.outboundAllow, 'SCIMD_OUTBOUND_ALLOW', 'outbound-allow'), deny: ranges(flags.outboundDeny, 'SCIMD_OUTBOUND_DENY', 'outbound-deny') }),
    sourceDir: resolve(flags.sourceDir ?? env.SCIMD_SOURCE_DIR ?? defaultSourceDir(flags.db ?? env.SCIMD_DB ?? './data/scimd.db')),
  };
}

/** The data folder: where the SQLite database lives, or ./data beside a PostgreSQL one. */
function defaultSourceDir(db: string): string {
  if (/^postgres(ql)?:\/\//i.test(db)) return 'data';
  return dirname(db.replace(/^sqlite:(\/\/)?/i, ''));
}
