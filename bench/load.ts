import { HttpConnection, type BenchRequest, type BenchResponse } from './http-client.js';
import { cpuMsOf } from './processes.js';
import { LatencyRecorder, round, type LatencySummary } from './stats.js';

/** Where requests go: a server under test, with the headers every request carries. */
export interface Endpoint {
  host: string;
  port: number;
  /**
   * Every replica's port when several servers share one database (`port` is the first): each
   * loop of an operation then sends its requests to them in turn, round robin.
   */
  ports?: number[];
  headers: Record<string, string>;
  /** Whether response bodies are checked; the bare-HTTP ceiling answers a fixed body, so not there. */
  checkBodies: boolean;
  /** The processes that serve the requests, whose CPU time each operation measures (not a database's own). */
  serverPids?: number[];
}

/** The i-th request of an operation, and what its response must look like. */
export interface Step {
  request: BenchRequest;
  /** Returns a description of what is wrong with the response, or undefined when it is right. */
  check?: (response: BenchResponse) => string | undefined;
  /** The status a right answer has, or the statuses RFC 7644 allows (PATCH: 200 with a body or 204). */
  expectStatus: number | readonly number[];
}

export interface Operation {
  name: string;
  /** Requests in flight at once, each on its own keep-alive connection. */
  connections: number;
  /** Most requests to send (the loop also stops when `next` returns undefined). */
  requests: number;
  /** Longest time to keep sending. */
  maxSeconds: number;
  /** Unmeasured requests sent first to warm the server up; only for operations that change nothing. */
  warmup?: number;
  next(i: number): Step | undefined;
}

export interface OperationResult extends LatencySummary {
  name: string;
  connections: number;
  requests: number;
  errors: number;
  /** The first wrong response, to say what went wrong. */
  firstError?: string;
  seconds: number;
  perSecond: number;
  /** What the figure is of, where the name alone does not say (e.g. the group's size). */
  note?: string;
  /** Set when the server lacks the feature (cursor pagination, say): no figure, and no errors. */
  unsupported?: string;
  /**
   * CPU time the serving processes spent per request, in µs (user and system, every thread; a
   * database server's own processes are not counted). It moves with the machine's load less than
   * requests per second do, and it says what the server itself costs, not what the client managed,
   * so it is the figure to compare with the ceiling measured in the same minute. Left out
   * when the operation used under 100 ms of CPU (/proc's 10 ms ticks would make it too coarse).
   */
  serverCpuUs?: number;
}

/**
 * Runs one operation: `connections` loops, each sending its next request when the previous answer
 * has arrived, until the request budget, the time budget or the steps run out. Every response is
 * checked; a wrong one counts as an error, never as a success.
 */
export async function runOperation(endpoint: Endpoint, operation: Operation): Promise<OperationResult> {
  const ports = endpoint.ports ?? [endpoint.port];
  // One keep-alive connection per replica for each loop; a loop still has one request in flight.
  const replicaSets = Array.from({ length: operation.connections }, () => ports.map((port) => new HttpConnection(endpoint.host, port, endpoint.headers)));
  const connections = replicaSets.map(roundRobin);
  try {
    if (operation.warmup) await warm(connections, operation);
    const latency = new LatencyRecorder(Math.min(operation.requests, 1 << 20));
    const cpuBefore = serverCpuMs(endpoint);
    let issued = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const deadline = started + operation.maxSeconds * 1000;
    const loop = async (connection: Pick<HttpConnection, 'request'>) => {
      while (issued < operation.requests && performance.now() < deadline) {
        const step = operation.next(issued++);
        if (!step) {
          issued = operation.requests;
          return;
        }
        const sent = performance.now();
        let problem: string | undefined;
        try {
          const response = await connection.request(step.request);
          latency.add(performance.now() - sent);
          problem = verify(endpoint, step, response);
        } catch (error) {
          latency.add(performance.now() - sent);
          problem = `${step.request.method} ${step.request.path}: ${error instanceof Error ? error.message : String(error)}`;
        }
        if (problem) {
          errors++;
          firstError ??= problem;
        }
      }
    };
    await Promise.all(connections.map(loop));
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = serverCpuMs(endpoint);
    // /proc counts in 10 ms ticks: below 100 ms the figure would be off by more than a tenth.
    const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined && cpuAfter - cpuBefore >= 100 ? cpuAfter - cpuBefore : undefined;
    return {
      name: operation.name,
      connections: operation.connections,
      requests: latency.count,
      errors,
      ...(firstError ? { firstError } : {}),
      seconds: round(seconds),
      perSecond: Math.round(latency.count / seconds),
      ...(cpuMs !== undefined && latency.count ? { serverCpuUs: Math.round((cpuMs * 1000) / latency.count) } : {}),
      ...latency.summary(),
    };
  } finally {
    for (const connection of replicaSets.flat()) connection.close();
  }
}

/** CPU time of every serving process together, in ms; undefined unless every one can be read. */
function serverCpuMs(endpoint: Endpoint): number | undefined {
  if (!endpoint.serverPids?.length) return undefined;
  let total = 0;
  for (const pid of endpoint.serverPids) {
    const ms = cpuMsOf(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}

/** Sends each request to the next of `connections` (one per replica), one request at a time. */
function roundRobin(connections: HttpConnection[]): Pick<HttpConnection, 'request'> {
  let next = 0;
  return { request: (request) => connections[next++ % connections.length].request(request) };
}

async function warm(connections: Pick<HttpConnection, 'request'>[], operation: Operation): Promise<void> {
  let i = 0;
  // Bounded in time too: on a slow server (a peer building every page from all users) 200
  // warm-up requests could take minutes.
  const deadline = performance.now() + Math.min(2, operation.maxSeconds / 2) * 1000;
  await Promise.all(
    connections.map(async (connection) => {
      while (i < operation.warmup! && performance.now() < deadline) {
        const step = operation.next(i++ % Math.max(operation.requests, 1));
        if (!step) return;
        await connection.request(step.request).catch(() => undefined);
      }
    }),
  );
}

function verify(endpoint: Endpoint, step: Step, response: BenchResponse): string | undefined {
  const label = `${step.request.method} ${step.request.path}`;
  if (!endpoint.checkBodies) return response.status >= 200 && response.status < 300 ? undefined : `${label}: status ${response.status}`;
  const expected = typeof step.expectStatus === 'number' ? [step.expectStatus] : step.expectStatus;
  if (!expected.includes(response.status)) return `${label}: status ${response.status}, expected ${step.expectStatus}: ${response.body.slice(0, 300)}`;
  const problem = step.check?.(response);
  return problem && `${label}: ${problem}`;
}
