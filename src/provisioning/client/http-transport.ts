import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { TransportError } from './client-errors.js';

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Label for errors: the path without the base URL. */
  label: string;
}

/** What `scimd connection test` reports about a TLS connection. */
export interface TlsDetails {
  protocol: string | null;
  cipher: string;
  subject: string;
  issuer: string;
  validTo: string;
  authorized: boolean;
  authorizationError?: string;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  tls?: TlsDetails;
}

export interface TransportOptions {
  /** Most sockets open to the target at once. */
  maxSockets: number;
  /** Longest a request may take, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Verify the target's certificate (on unless a test says otherwise). */
  rejectUnauthorized?: boolean;
}

/**
 * HTTP/1.1 over keep-alive sockets (node:http and node:https), with one deadline per request and
 * errors that say whether the request was fully sent before the connection failed.
 */
export class HttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: TransportOptions) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.maxSockets, rejectUnauthorized: options.rejectUnauthorized ?? true });
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const secure = request.url.protocol === 'https:';
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    return new Promise((resolve, reject) => {
      let sent = false;
      let settled = false;
      const fail = (code: string, message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(new TransportError(request.method, request.label, code, sent, message));
      };
      const req = (secure ? https : http).request(request.url, {
        method: request.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
      });
      const timer = setTimeout(() => fail('ETIMEDOUT', `no answer within ${Math.round(this.options.timeoutMs / 1000)} s`), this.options.timeoutMs);
      req.on('finish', () => (sent = true));
      req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ECONNRESET', describeNetworkError(error)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ECONNRESET', describeNetworkError(error)));
        res.on('aborted', () => fail('ECONNRESET', 'the connection closed in the middle of the answer'));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const response: HttpResponse = { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
          if (secure) response.tls = tlsDetails(res.socket as TLSSocket);
          resolve(response);
        });
      });
      req.end(request.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function tlsDetails(socket: TLSSocket): TlsDetails {
  const certificate = socket.getPeerCertificate?.();
  const name = (entity: Record<string, unknown> | undefined) => (entity ? String(entity.CN ?? entity.O ?? JSON.stringify(entity)) : '');
  const details: TlsDetails = {
    protocol: socket.getProtocol?.() ?? null,
    cipher: socket.getCipher?.()?.name ?? '',
    subject: name(certificate?.subject as unknown as Record<string, unknown>),
    issuer: name(certificate?.issuer as unknown as Record<string, unknown>),
    validTo: certificate?.valid_to ?? '',
    authorized: socket.authorized,
  };
  if (socket.authorizationError) details.authorizationError = String(socket.authorizationError);
  return details;
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens there)';
    case 'ENOTFOUND':
      return 'the host name does not resolve';
    case 'ECONNRESET':
      return 'the connection was dropped';
    case 'EPIPE':
      return 'the connection closed while sending';
    default:
      return error.message;
  }
}
