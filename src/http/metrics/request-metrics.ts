import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** SCIM calls take milliseconds; Bulk and large filters take seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The route a request matched, as its pattern (`/scim/v2/Users/:id`), never the URL: ids and
 * filter values would make one time series per user and put personal data into metrics.
 */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? '(unmatched)';
}

/** Counts every response and times it, by method, route pattern and status. */
export function registerRequestMetrics(app: FastifyInstance, registry: Registry): void {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'scimd_http_requests_total', help: 'HTTP responses by method, route pattern and status', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'scimd_http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern and status',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    const labels = { method: METHODS.has(request.method) ? request.method : 'OTHER', route: routeLabel(request), status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
