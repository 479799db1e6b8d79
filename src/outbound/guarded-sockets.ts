import net from 'node:net';
import tls from 'node:tls';
import { checkedLookup, refusalBeforeLookup } from './checked-lookup.js';

/**
 * Socket factories for clients that open their own sockets (the LDAP client): the same
 * address policy as the HTTP transport, with the refusal delivered as the socket's error.
 */
export const guardedNetConnect = ((port: number, host: string) => {
  const refused = refusalBeforeLookup(host);
  if (refused) return failedSocket(refused);
  return net.connect({ port, host, lookup: checkedLookup });
}) as unknown as typeof net.connect;

export const guardedTlsConnect = ((...args: unknown[]) => {
  // StartTLS upgrades a socket that was already checked: it arrives as the only argument.
  if (typeof args[0] === 'object') return tls.connect(args[0] as tls.ConnectionOptions);
  const [port, host, options] = args as [number, string, tls.ConnectionOptions | undefined];
  const refused = refusalBeforeLookup(host);
  if (refused) return failedSocket(refused);
  return tls.connect({ ...options, port, host, servername: net.isIP(host) ? undefined : host, lookup: checkedLookup });
}) as unknown as typeof tls.connect;

function failedSocket(error: Error): net.Socket {
  const socket = new net.Socket();
  process.nextTick(() => socket.destroy(error));
  return socket;
}
