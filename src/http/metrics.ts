import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/**
 * The metrics that belong to the process rather than to one app instance: Node's runtime
 * figures and refused credentials. Other modules count into them through the functions below;
 * /metrics (src/http/metrics/) serves them beside the per-app request and database figures.
 */
export const processRegistry = new Registry();

const authRejections = new Counter({
  name: 'scimd_auth_rejections_total',
  help: 'Requests refused because of their credential, by reason (missing, malformed, unknown, expired, revoked, …) and directory when known',
  labelNames: ['reason', 'directory_id'],
  registers: [processRegistry],
});

/**
 * Counts one refused credential. `reason` is a short word such as `expired` or `revoked`;
 * `directoryId` is given when the secret is known (expired, revoked), never the secret itself.
 */
export function recordAuthRejection(reason: string, directoryId?: string | null): void {
  authRejections.inc({ reason: /^[a-z_]{1,32}$/.test(reason) ? reason : 'other', directory_id: directoryId ?? '' });
}

let runtimeMetricsStarted = false;

/** Starts Node's runtime metrics (CPU, memory, event-loop lag) once per process, when a server starts. */
export function startRuntimeMetrics(): void {
  if (runtimeMetricsStarted) return;
  runtimeMetricsStarted = true;
  collectDefaultMetrics({ register: processRegistry });
}
