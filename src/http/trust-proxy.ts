import { isIP } from 'node:net';
import { invalidValue } from '../scim/errors.js';

/**
 * Which peers may speak for the client through X-Forwarded-For and -Proto: none, the nearest
 * `n` hops, a list of proxy addresses (IPs, CIDRs, or proxy-addr's names `loopback`,
 * `linklocal`, `uniquelocal`), or (`all`, unsafe) every hop, so that any client can claim any
 * address. `fastifyTrustProxy` turns it into Fastify's `trustProxy` option.
 */
export type TrustProxy = false | number | string[] | true;

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads `--trust-proxy` / SCIMD_TRUST_PROXY. A bare flag (commander's `true`) and `1` mean one
 * hop: the common single reverse proxy. `all` must be spelt out.
 */
export function parseTrustProxy(value: string | boolean | undefined): TrustProxy {
  if (value === undefined || value === false || value === '') return false;
  if (value === true) return 1;
  const text = value.trim();
  if (text.toLowerCase() === 'all') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 64) throw invalidValue(`--trust-proxy ${text}: no deployment has more than a few proxies in front of it`);
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isProxyAddress(entry)) {
      throw invalidValue(`--trust-proxy ${JSON.stringify(entry)} is not a hop count, an IP address, a CIDR range (10.0.0.0/8), loopback, linklocal, uniquelocal or all`);
    }
  }
  return entries;
}

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Fastify's `trustProxy` option for the setting. A hop count becomes a function of the hop's
 * position (0 is the connecting peer, 1 the address it appended, …): Fastify itself refuses
 * numbers, and the position is exactly what a hop count means.
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

/** Whether any proxy is trusted at all (and so its X-Request-Id too). */
export function trustsAnyProxy(trust: TrustProxy): boolean {
  return trust !== false;
}

/** The setting in words, for the start-up log. */
export function describeTrustProxy(trust: TrustProxy): string {
  if (trust === false) return 'no proxy';
  if (trust === true) return 'every hop (unsafe: any client can forge its address)';
  if (typeof trust === 'number') return trust === 1 ? 'the nearest hop' : `the nearest ${trust} hops`;
  return trust.join(', ');
}
