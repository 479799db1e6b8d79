import net from 'node:net';

/** One request as the load loop sends it. */
export interface BenchRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface BenchResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A minimal HTTP/1.1 keep-alive client on one socket, one request at a time. Node's own client
 * costs several times more CPU per request than the server under test on a 2-core machine, and
 * its cost would be counted as server latency; this one only frames requests and responses
 * (Content-Length or chunked bodies), so the client stays out of the figures.
 */
export class HttpConnection {
  private socket?: net.Socket;
  /** Received bytes not yet consumed, joined only when needed so a large body is copied once. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending?: { resolve: (response: BenchResponse) => void; reject: (error: Error) => void; head?: ResponseHead };
  private closedError?: Error;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  async request(request: BenchRequest): Promise<BenchResponse> {
    if (this.pending) throw new Error('HttpConnection handles one request at a time');
    const socket = this.socket && !this.closedError ? this.socket : await this.connect();
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const headers = { host: `${this.host}:${this.port}`, ...this.defaultHeaders, ...request.headers };
    let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    // Like real clients, only a request with a body says what type it is: Fastify refuses an
    // empty body that claims to be JSON.
    if (body) head += `content-type: application/scim+json\r\ncontent-length: ${body.length}\r\n`;
    head += '\r\n';
    return new Promise<BenchResponse>((resolve, reject) => {
      this.pending = { resolve, reject };
      socket.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1'));
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): Promise<net.Socket> {
    this.chunks = [];
    this.buffered = 0;
    this.closedError = undefined;
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, this.host, () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('error', (error) => socket === this.socket && this.fail(error));
      socket.on('close', () => socket === this.socket && this.fail(new Error('connection closed by the server')));
      this.socket = socket;
    });
  }

  private joined(): Buffer {
    if (this.chunks.length !== 1) this.keep(Buffer.concat(this.chunks, this.buffered));
    return this.chunks[0];
  }

  private keep(rest: Buffer): void {
    this.chunks = [rest];
    this.buffered = rest.length;
  }

  private fail(error: Error): void {
    this.closedError = error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const pending = this.pending;
    if (!pending) return;
    if (!pending.head) {
      const buffer = this.joined();
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      pending.head = parseHead(buffer.toString('latin1', 0, end));
      this.keep(buffer.subarray(end + 4));
    }
    const length = Number(pending.head.headers['content-length'] ?? 0);
    if (!pending.head.headers['transfer-encoding'] && this.buffered < length) return;
    const buffer = this.joined();
    const body = readBody(pending.head, buffer);
    if (!body) return;
    this.keep(buffer.subarray(body.consumed));
    this.pending = undefined;
    pending.resolve({ status: pending.head.status, headers: pending.head.headers, body: body.text });
    if (pending.head.headers.connection?.toLowerCase() === 'close') this.close();
  }
}

interface ResponseHead {
  status: number;
  headers: Record<string, string>;
}

function parseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers };
}

/** The body once it has fully arrived, and how many buffered bytes it took; undefined until then. */
function readBody(head: ResponseHead, buffer: Buffer): { text: string; consumed: number } | undefined {
  if (head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200)) return { text: '', consumed: 0 };
  if (head.headers['transfer-encoding']?.toLowerCase().includes('chunked')) return readChunked(buffer);
  const length = Number(head.headers['content-length'] ?? 0);
  if (buffer.length < length) return undefined;
  return { text: buffer.toString('utf8', 0, length), consumed: length };
}

function readChunked(buffer: Buffer): { text: string; consumed: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (size === 0) {
      const end = buffer.indexOf('\r\n\r\n', lineEnd);
      const close = end === lineEnd ? lineEnd + 4 : end < 0 ? -1 : end + 4;
      if (buffer.length < lineEnd + 4 || close < 0) return undefined;
      return { text: Buffer.concat(parts).toString('utf8'), consumed: close };
    }
    if (buffer.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
