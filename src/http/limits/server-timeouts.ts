import type { Server } from 'node:http';
import type { ServerLimits } from './server-limits.js';
import { scimClientErrorHandler } from './client-errors.js';

type Timeouts = Pick<ServerLimits, 'headersTimeoutMs' | 'requestTimeoutMs' | 'idleTimeoutMs' | 'keepAliveTimeoutMs'>;

/** The Fastify options that bound how long a client may hold a socket (Fastify leaves them at 0, no limit). */
export function serverTimeoutOptions(limits: Timeouts) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    clientErrorHandler: scimClientErrorHandler,
  };
}

/**
 * What Fastify does not pass on: the headers timeout, and how often Node looks for requests past
 * their timeouts (30 s by default, which would let a 1 s timeout run to 31 s). Set before listen,
 * when Node starts that check.
 */
export function applyServerTimeouts(server: Server, limits: Timeouts): void {
  // Node requires the headers timeout not to exceed the request timeout.
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs || limits.headersTimeoutMs);
  // A createServer option in @types/node, read by Node when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(10, Math.min(1000, Math.floor(server.headersTimeout / 4)));
}
