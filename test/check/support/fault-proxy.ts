import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request on its way to the real server, as a fault may rewrite it. Paths are relative to /scim/v2. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined. */
  body: any;
}

/** An answer on its way back to the checker, as a fault may rewrite it. */
export interface ProxiedAnswer {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined (then `text` is sent as it is). */
  body: any;
  text: string;
}

/**
 * One way a server can be wrong: a rewrite of the request before the real server sees it (or an
 * answer given in its place), and/or of the answer before the checker sees it.
 */
export interface Fault {
  request?(request: ProxiedRequest): ProxiedAnswer | void;
  answer?(answer: ProxiedAnswer, request: ProxiedRequest): void;
  /** How long the server takes over a request before answering (a slow server). */
  delayMs?(request: ProxiedRequest): number;
}

export interface FaultProxy {
  baseUrl: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * A loopback HTTP proxy in front of a real scimd that applies one fault (or none: then it is
 * transparent, and scimd passes every check through it). The upstream's base URL is rewritten to
 * the proxy's both ways, so meta.location and $ref values stay consistent for the checker.
 */
export async function startFaultProxy(upstreamBaseUrl: string, fault: Fault = {}): Promise<FaultProxy> {
  let baseUrl = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      forward(req, Buffer.concat(chunks).toString('utf8'))
        .then((answer) => {
          const text = answer.body === undefined ? answer.text : JSON.stringify(answer.body);
          res.writeHead(answer.status, answer.headers);
          res.end(text || undefined);
        })
        .catch((failure: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`fault proxy: ${String(failure)}`);
        });
    });
  });

  async function forward(req: http.IncomingMessage, text: string): Promise<ProxiedAnswer> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = String(value);
    const request: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/scim\/v2/, ''),
      query: url.searchParams,
      headers,
      body: text ? parseJson(text.split(baseUrl).join(upstreamBaseUrl)) : undefined,
    };
    const delay = fault.delayMs?.(request) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const early = fault.request?.(request);
    if (early) return early;
    const query = request.query.toString();
    const response = await fetch(`${upstreamBaseUrl}${request.path}${query ? `?${query}` : ''}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) } : {}),
    });
    const answerText = (await response.text()).split(upstreamBaseUrl).join(baseUrl);
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') answerHeaders[name] = value.split(upstreamBaseUrl).join(baseUrl);
    });
    const body = answerText ? parseJson(answerText) : undefined;
    const answer: ProxiedAnswer = { status: response.status, headers: answerHeaders, body: typeof body === 'string' ? undefined : body, text: answerText };
    fault.answer?.(answer, request);
    return answer;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** JSON when it parses, else the text itself (kept as a string, sent back unchanged). */
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A SCIM error answer the proxy gives in the server's place. */
export function errorAnswer(status: number, detail: string, scimType?: string): ProxiedAnswer {
  const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail, ...(scimType ? { scimType } : {}) };
  return { status, headers: { 'content-type': 'application/scim+json' }, body, text: JSON.stringify(body) };
}
