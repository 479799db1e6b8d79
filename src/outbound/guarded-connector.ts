import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { OutboundRefusedError } from './address-policy.js';
import { outboundSettings } from './outbound-settings.js';

export interface GuardedConnectorOptions {
  /** Longest wait for the TCP (and TLS) connection, in ms. */
  connectTimeoutMs: number;
  rejectUnauthorized?: boolean;
  /** Told about every new TLS connection, for `connection test`'s certificate report. */
  onTlsSocket?: (origin: string, socket: TLSSocket) => void;
}

/**
 * An undici connector that asks the address policy before every connection: an IP literal is
 * checked as it stands, a name is resolved here and every address it resolves to is checked,
 * and the socket then connects to the address that was checked. A name that answers a safe
 * address to a check and a metadata address to the connection (DNS rebinding) has no second
 * lookup to exploit.
 */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: checkedLookup,
    ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  });
  return (target, callback) => {
    const refused = refusalBeforeLookup(target.hostname);
    if (refused) return callback(refused, null);
    return connect(target, (error, socket) => {
      // undici calls back once the TLS handshake is done, so the certificate is there to read.
      if (!error && socket && target.protocol === 'https:') options.onTlsSocket?.(`${target.protocol}//${target.host}`, socket as TLSSocket);
      callback(error as Error, socket as never);
    });
  };
}

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
