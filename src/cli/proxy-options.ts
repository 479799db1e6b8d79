import type { Command } from 'commander';
import type { ServerConfig } from '../config.js';
import { parsePublicUrl } from '../http/public-url.js';
import { parseTrustProxy } from '../http/trust-proxy.js';

/** The `scimd serve` flags for running behind a reverse proxy, as commander hands them over. */
export interface ProxyFlags {
  trustProxy?: string | boolean;
  publicUrl?: string;
}

export function addProxyOptions(command: Command): Command {
  return command
    .option(
      '--trust-proxy [hops|addresses]',
      'take the client address and scheme from X-Forwarded-For/-Proto set by this many nearest proxies (a bare flag is 1) or by these proxy addresses/CIDRs (10.0.0.0/8,127.0.0.1); "all" trusts every hop and is unsafe (env SCIMD_TRUST_PROXY; default none)',
    )
    .option('--public-url <url>', 'the URL clients reach scimd at (https://scim.example.com); every absolute URL scimd writes is built from it, never from request headers (env SCIMD_PUBLIC_URL; default the listen address)');
}

/** Flags first, then environment variables, then defaults (no proxy; URLs from the listen address). */
export function proxyConfig(flags: ProxyFlags, env: NodeJS.ProcessEnv): Pick<ServerConfig, 'trustProxy' | 'publicUrl'> {
  const publicUrl = parsePublicUrl(flags.publicUrl ?? env.SCIMD_PUBLIC_URL);
  return {
    trustProxy: parseTrustProxy(flags.trustProxy ?? env.SCIMD_TRUST_PROXY),
    ...(publicUrl === undefined ? {} : { publicUrl }),
  };
}
