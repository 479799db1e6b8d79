import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { routeLabel } from './metrics/request-metrics.js';

/** What a proxy may pass as X-Request-Id: short and plain, so it is safe to log and echo. */
const FORWARDED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Logger levels at which an info line (the request line) is not written. */
const LEVELS_ABOVE_INFO = new Set(['warn', 'error', 'fatal', 'silent']);

/**
 * Fastify's request log lines, replaced: its defaults log the raw URL, whose query holds filter
 * values (personal data such as a userName), and two lines per request. scimd writes one line
 * when the response is sent, naming the route pattern, and logs errors without the request.
 */
class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override routeNotFound(): void {}

  /** Method, route pattern, status, duration, client address, and the directory once authentication named it. */
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const failed = error || reply.statusCode >= 500;
    // At the usual level (warn) a successful request writes nothing: the line (and the client
    // address, which runs the trust-proxy check) is not built for nothing.
    if (!failed && LEVELS_ABOVE_INFO.has(request.log.level)) return;
    const line = { method: request.method, route: routeLabel(request), status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10, clientIp: request.ip };
    if (failed) request.log.error({ ...line, ...(error ? { err: error } : {}) }, 'request failed');
    else request.log.info(line, 'request');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  }

  override writeHeadError(error: Error, request: FastifyRequest): void {
    request.log.warn({ err: error }, 'could not write the response headers');
  }
}

/**
 * Fastify options for the request log: one line per request, and request ids that are UUIDs or,
 * behind a trusted proxy, the proxy's X-Request-Id, so a request can be followed through both logs.
 */
export function requestLogOptions(trustedPeer: (address: string | undefined) => boolean) {
  return {
    logController: new RequestLogController(),
    genReqId: (raw: IncomingMessage) => {
      const forwarded = raw.headers['x-request-id'];
      return typeof forwarded === 'string' && FORWARDED_ID.test(forwarded) && trustedPeer(raw.socket?.remoteAddress) ? forwarded : randomUUID();
    },
  };
}

/** Echoes the request id in X-Request-Id, so a client's report of a failure can be found in the log. */
export function registerRequestLog(app: FastifyInstance): void {
  // A callback hook, not an async one: an async hook costs a promise and a microtask per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}

/** The directory of each request's logger, added to its lines by `directoryMixin`. */
const directoryOfLogger = new WeakMap<object, string>();

/**
 * Adds the directory to every later log line of this request, including the request line. A
 * child logger per request would do the same at about a tenth of a GET's CPU time, spent even
 * when nothing is logged; the mixin costs only when a line is written.
 */
export function logDirectory(request: FastifyRequest, directoryId: string): void {
  directoryOfLogger.set(request.log, directoryId);
}

/** pino's `mixin`: called with the logger a line is written through. */
export function directoryMixin(_merge: object, _level: number, logger: object): object {
  const directoryId = directoryOfLogger.get(logger);
  return directoryId === undefined ? {} : { directoryId };
}
