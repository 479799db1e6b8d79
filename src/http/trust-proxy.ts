import { BlockList, isIP } from 'node:net';
import { invalidValue } from '../scim/errors.js';

/**
 * Which peers may speak for the client through X-Forwarded-For and -Proto: none, the nearest
 * `n` hops, a list of proxy addresses (IPs, CIDRs, or proxy-addr's names `loopback`,
 * `linklocal`, `uniquelocal`), or (`all`, unsafe) every hop, so that any client can claim any
 * address. `trustFunction` turns it into a test of each hop.
 */
export type TrustProxy = false | number | string[] | true;

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
  if (Object.hasOwn(NAMED_SUBNETS, entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Whether the hop at `address`, `hop` steps from scimd (0: the connecting peer), may speak for the client. */
export type TrustFunction = (address: string | undefined, hop: number) => boolean;

/**
 * The setting as a function of each hop, used for Fastify's `trustProxy` option (which reads
 * X-Forwarded-For and -Proto with it) and for X-Request-Id. A hop count trusts positions (Fastify
 * itself refuses numbers); an address list is matched with node's BlockList, IPv4-mapped IPv6
 * addresses included.
 */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const proxies = new BlockList();
  for (const entry of trust) {
    for (const range of Object.hasOwn(NAMED_SUBNETS, entry) ? NAMED_SUBNETS[entry] : [entry]) {
      const [address, prefix] = range.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) proxies.addAddress(address, family);
      else proxies.addSubnet(address, Number(prefix), family);
    }
  }
  return (address) => {
    if (address === undefined || isIP(address) === 0) return false;
    return proxies.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
}

/** proxy-addr's names for address ranges, which `--trust-proxy` accepts too. */
const NAMED_SUBNETS: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Whether any proxy is trusted at all (and so its X-Request-Id too). */
export function trustsAnyProxy(trust: TrustProxy): boolean {
  return trust !== false;
}
