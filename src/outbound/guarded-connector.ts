import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { checkedLookup, refusalBeforeLookup } from './checked-lookup.js';

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
