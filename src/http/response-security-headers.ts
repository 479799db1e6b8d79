import type { FastifyInstance } from 'fastify';

/** A year, as browsers and the HSTS preload list expect. */
const HSTS = 'max-age=31536000';

/**
 * Headers on every response, API and console alike: no MIME sniffing of JSON into something
 * executable, and over TLS, HSTS so a browser that once reached the console never falls back to
 * plain HTTP. Routes may still set their own (the console adds CSP and framing rules).
 */
export function registerResponseSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (options.tls) reply.header('strict-transport-security', HSTS);
    done();
  });
}
