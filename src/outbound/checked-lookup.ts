import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { OutboundRefusedError } from './address-policy.js';
import { outboundSettings } from './outbound-settings.js';

/*
 * The address policy's checks on a host name, shared by the undici connector (guarded-connector.ts),
 * the raw sockets of LDAP and SMTP (guarded-sockets.ts) and the validation of a webhook URL, which
 * must not load an HTTP client to say a URL is refused.
 */

/** dns.lookup, refusing the name when any address it resolves to is refused. */
export const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
  const policy = outboundSettings().policy;
  const nameRefusal = policy.nameRefusal(hostname);
  if (nameRefusal) return callback(new OutboundRefusedError(hostname, nameRefusal) as NodeJS.ErrnoException, '', 4);
  dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4);
    for (const { address } of addresses) {
      const refusal = policy.refusal(address);
      if (refusal) return callback(new OutboundRefusedError(hostname, `it resolves to ${refusal.replace(/^\S+ is /, `${address}, `)}`) as NodeJS.ErrnoException, '', 4);
    }
    if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** The policy's answer for a host before any lookup: an IP literal in full, a name only by name. */
export function refusalBeforeLookup(hostname: string): OutboundRefusedError | undefined {
  const host = hostname.replace(/^\[|\]$/g, '');
  const policy = outboundSettings().policy;
  const refusal = isIP(host) ? policy.refusal(host) : policy.nameRefusal(host);
  return refusal ? new OutboundRefusedError(host, refusal) : undefined;
}
