import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/**
 * Writes raw bytes to a server over TCP and reads the first HTTP response back: for requests no
 * HTTP client sends (stalled bodies, oversize headers). Fails after `boundMs`, a generous bound
 * that only a server which never answers reaches.
 */
export function rawHttp(origin: string, bytes: string, boundMs = 20_000): Promise<RawResponse> {
  return openRawRequest(origin, bytes, boundMs).response;
}

/** The same, with the socket left open so the test can send the rest of a stalled request later. */
export function openRawRequest(origin: string, bytes: string, boundMs = 20_000): { response: Promise<RawResponse>; write(more: string): void } {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  const response = new Promise<RawResponse>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${boundMs} ms; got ${JSON.stringify(received.toString('latin1').slice(0, 200))}`));
    }, boundMs);
    const finish = (response: RawResponse) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const response = parseResponse(received);
      if (response) finish(response);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const response = parseResponse(received);
      if (response) resolve(response);
      else reject(new Error(`connection closed without a complete response; got ${JSON.stringify(received.toString('latin1').slice(0, 200))}`));
    });
  });
  return { response, write: (more) => void socket.write(more) };
}

function parseResponse(bytes: Buffer): RawResponse | undefined {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = bytes.subarray(end + 4);
  if (body.length < length) return undefined;
  const bodyText = body.subarray(0, length).toString('utf8');
  let parsed: unknown = bodyText;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: parsed };
}

/** Asserts a raw response is an RFC 7644 error with this status, as assertScimError does for fetch. */
export function assertRawScimError(response: RawResponse, status: number): void {
  const context = `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
  if (response.status !== status) throw new Error(`expected ${status}, got ${context}`);
  if (!/^application\/scim\+json/.test(response.headers['content-type'] ?? '')) throw new Error(`not application/scim+json: ${context}`);
  if (response.body?.schemas?.[0] !== 'urn:ietf:params:scim:api:messages:2.0:Error' || response.body.status !== String(status)) {
    throw new Error(`not a SCIM error body: ${context}`);
  }
}
