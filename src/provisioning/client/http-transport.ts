import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { ResponseTooLargeError, readCapped } from '../../outbound/capped-body.js';
import { guardedConnector } from '../../outbound/guarded-connector.js';
import { outboundSettings } from '../../outbound/outbound-settings.js';
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
  /** Most sockets open to one origin at once. */
  maxSockets: number;
  /** Longest a request may take, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Verify the target's certificate (on unless a test says otherwise). */
  rejectUnauthorized?: boolean;
  /** Largest answer read, in bytes; by default `--outbound-max-response-bytes` (64 MiB). */
  maxResponseBytes?: number;
}

/** Errors raised before the request left: nothing reached the peer, so even a POST may be resent. */
const CONNECT_PHASE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'EOUTBOUNDREFUSED']);

/**
 * HTTP/1.1 on undici: one keep-alive pool per origin, a connection timeout, one deadline per
 * request, answers read chunk by chunk up to a size limit, every connection checked against the
 * outbound address policy, and errors that say whether the request may have reached the target.
 */
export class HttpTransport {
  private readonly agent: Agent;
  /** The certificate report of the last TLS connection to each origin. */
  private readonly tlsByOrigin = new Map<string, TlsDetails>();

  constructor(private readonly options: TransportOptions) {
    this.agent = new Agent({
      // Twice the requests the client lets fly: a socket still winding down its last answer must not
      // make undici queue an admitted request, which it would send later, perhaps during a Retry-After pause.
      connections: options.maxSockets * 2,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: guardedConnector({
        connectTimeoutMs: Math.min(options.timeoutMs, CONNECT_TIMEOUT_MS),
        rejectUnauthorized: options.rejectUnauthorized,
        onTlsSocket: (origin, socket) => this.tlsByOrigin.set(origin, tlsDetails(socket)),
      }),
    });
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    const limit = this.options.maxResponseBytes ?? outboundSettings().maxResponseBytes;
    try {
      const answer = await undiciRequest(request.url, {
        dispatcher: this.agent,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        signal: deadline.signal,
      });
      const body = await readCapped(answer.body, limit, `${request.method} ${request.label}`, answer.headers['content-length']);
      const response: HttpResponse = { status: answer.statusCode, headers: answer.headers as http.IncomingHttpHeaders, text: body.toString('utf8') };
      const tls = request.url.protocol === 'https:' ? this.tlsByOrigin.get(request.url.origin) : undefined;
      if (tls) response.tls = tls;
      return response;
    } catch (error) {
      if (error instanceof ResponseTooLargeError) throw error;
      if (deadline.signal.aborted) throw new TransportError(request.method, request.label, 'ETIMEDOUT', true, `no answer within ${Math.round(this.options.timeoutMs / 1000)} s`);
      const code = errorCode(error);
      throw new TransportError(request.method, request.label, code, !CONNECT_PHASE.has(code) && !isCertificateError(code), describeNetworkError(error as NodeJS.ErrnoException, code));
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    void this.agent.destroy().catch(() => undefined);
  }
}

/** Longest wait for a TCP and TLS connection, within the request's own deadline. */
const CONNECT_TIMEOUT_MS = 10_000;

/** undici's own error codes, as the codes of node:net the rest of the engine knows. */
const UNDICI_CODES: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  ECONNABORTED: 'ECONNRESET',
};

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? (UNDICI_CODES[code] ?? code) : 'ECONNRESET';
}

function isCertificateError(code: string): boolean {
  return /^(ERR_TLS_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_SSL_)/.test(code);
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

function describeNetworkError(error: NodeJS.ErrnoException, code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens there)';
    case 'ENOTFOUND':
      return 'the host name does not resolve';
    case 'ECONNRESET':
      return 'the connection was dropped';
    case 'EPIPE':
      return 'the connection closed while sending';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'no connection within the connect timeout';
    case 'ETIMEDOUT':
      return 'the answer stalled past the timeout';
    case 'EOUTBOUNDREFUSED':
      return `${error.message} (outbound address policy)`;
    default:
      return error.message;
  }
}
