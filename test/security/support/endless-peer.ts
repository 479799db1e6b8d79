import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EndlessPeer {
  /** A SCIM base URL on loopback. */
  url: string;
  /** Bytes written so far. */
  sent(): number;
  /** Settles when the client closed a connection it was answered on. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Writes `chunk` to `res` until the client goes away, calling `wrote` for every chunk handed to the socket (the one that fills its buffer too). */
export function pumpForever(res: http.ServerResponse, chunk: Buffer, wrote: (bytes: number) => void): void {
  const pump = () => {
    let more = true;
    while (!res.destroyed && more) {
      more = res.write(chunk);
      wrote(chunk.length);
    }
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

/** A peer that answers every request 200 with a body that never ends, and counts what it managed to send. */
export async function endlessPeer(): Promise<EndlessPeer> {
  let sent = 0;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    res.write('{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[],"padding":"');
    res.on('close', markClosed);
    pumpForever(res, chunk, (bytes) => (sent += bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    sent: () => sent,
    closed,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

