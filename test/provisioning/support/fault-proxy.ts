import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What the proxy does with one request. */
export type Fault = 'pass' | '429' | '503' | '408' | '500' | '501' | 'drop-before' | 'drop-after' | 'cut-mid-request';

/** One request that went through, and what came back. */
export interface Exchange {
  method: string;
  path: string;
  body: string;
  status: number | 'dropped';
  fault: Fault;
  /** When the proxy received it (ms since the epoch). */
  at: number;
  /** The Retry-After it answered with, for injected throttles. */
  retryAfter?: number;
  /** The Authorization header the client sent. */
  authorization?: string;
}

/**
 * An HTTP proxy in front of a real scimd that records every exchange and can misbehave the way
 * real networks and rate-limited targets do: answer 429 or 503 with Retry-After without
 * forwarding, drop the connection before forwarding (nothing happened), forward and then drop
 * the connection before the answer reaches the client (the target acted; the client cannot know),
 * or cut both connections as soon as the request is forwarded (the target may still be acting
 * when the client learns that the connection died).
 */
export class FaultProxy {
  readonly exchanges: Exchange[] = [];
  /** Decides each request's fault; the default passes everything through. */
  decide: (method: string, path: string, body: string) => Fault = () => 'pass';
  /** Rewrites an answer's body on its way to the client, e.g. a ServiceProviderConfig that says less. */
  rewrite: (method: string, path: string, body: string) => string = (_method, _path, body) => body;
  /** Rewrites a request's body before it is forwarded (a target that ignores part of what it is sent). */
  transform: (method: string, path: string, body: string) => string = (_method, _path, body) => body;
  /** Rewrites a request's path and query before it is forwarded (a target that ignores a query parameter). */
  retarget: (method: string, path: string) => string = (_method, path) => path;
  /** Answers a request with an error of its own instead of forwarding it (a target with limits). */
  refuse: (method: string, path: string, body: string) => { status: number; detail: string } | undefined = () => undefined;
  /** The Retry-After (seconds) of the next injected 429 or 503. */
  retryAfter: () => number;
  private server?: Server;
  port = 0;

  constructor(
    private readonly targetPort: number,
    retryAfterSeconds = 1,
  ) {
    this.retryAfter = () => retryAfterSeconds;
  }

  /** The proxied SCIM base URL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/scim/v2`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests with a method, e.g. the writes of a cycle. */
  count(...methods: string[]): number {
    return this.exchanges.filter((e) => methods.includes(e.method)).length;
  }

  reset(): void {
    this.exchanges.length = 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    const at = Date.now();
    req.on('end', () => {
      const fault = this.decide(req.method!, req.url!, body);
      const record = (status: number | 'dropped', retryAfter?: number) =>
        this.exchanges.push({ method: req.method!, path: req.url!, body, status, fault, at, authorization: req.headers.authorization, ...(retryAfter !== undefined ? { retryAfter } : {}) });
      if (fault === '429' || fault === '503') {
        const retryAfter = this.retryAfter();
        record(Number(fault), retryAfter);
        res.writeHead(Number(fault), { 'content-type': 'application/scim+json', 'retry-after': String(retryAfter) });
        return res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: fault, detail: 'injected' }));
      }
      if (fault === '408' || fault === '500' || fault === '501') {
        record(Number(fault));
        res.writeHead(Number(fault), { 'content-type': 'application/scim+json' });
        return res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: fault, detail: fault === '501' ? 'not implemented here' : 'injected failure' }));
      }
      const refusal = fault === 'pass' ? this.refuse(req.method!, req.url!, body) : undefined;
      if (refusal) {
        record(refusal.status);
        res.writeHead(refusal.status, { 'content-type': 'application/scim+json' });
        return res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(refusal.status), detail: refusal.detail }));
      }
      const forwarded = this.transform(req.method!, req.url!, body);
      const headers = forwarded === body ? req.headers : { ...req.headers, 'content-length': String(Buffer.byteLength(forwarded)) };
      if (fault === 'drop-before') {
        record('dropped');
        return req.socket.destroy();
      }
      let recorded = false;
      const cut = () => {
        if (recorded) return;
        recorded = true;
        record('dropped');
        upstream.destroy();
        req.socket.destroy();
      };
      const upstream = httpRequest({ host: '127.0.0.1', port: this.targetPort, method: req.method, path: this.retarget(req.method!, req.url!), headers }, (answer) => {
        if (recorded) return answer.resume();
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          if (recorded) return;
          recorded = true;
          if (fault === 'drop-after') {
            record('dropped');
            return req.socket.destroy();
          }
          record(answer.statusCode ?? 0);
          const text = Buffer.concat(chunks).toString('utf8');
          const rewritten = this.rewrite(req.method!, req.url!, text);
          if (rewritten === text) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            return res.end(Buffer.concat(chunks));
          }
          const { 'content-length': _length, ...headers } = answer.headers;
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(rewritten);
        });
      });
      upstream.on('error', cut);
      upstream.end(forwarded, () => {
        if (fault === 'cut-mid-request') cut();
      });
    });
  }
}
