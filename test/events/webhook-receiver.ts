import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  /** The status it answered. */
  status: number;
}

/** How the receiver answers the n-th request (1-based): a status, or 'hang' to never answer. */
export type Behaviour = (n: number, request: { body: string }) => number | 'hang';

/** A real HTTP receiver on a loopback port that records every request. */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Requests it answered with 2xx, first acceptance of each webhook-id only (what an idempotent app keeps). */
  accepted(): Received[];
  behaviour: Behaviour;
  /** Resolves once `predicate` holds over the received requests, or fails after `timeoutMs`. */
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Behaviour = () => 200): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const hanging = new Set<() => void>();
  const receiver: WebhookReceiver = {
    url: '',
    received,
    behaviour,
    accepted() {
      const seen = new Set<string>();
      return received.filter((r) => {
        const id = String(r.headers['webhook-id']);
        if (r.status < 200 || r.status >= 300 || seen.has(id)) return false;
        seen.add(id);
        return true;
      });
    },
    async waitFor(predicate, timeoutMs = 30_000, what = 'the expected deliveries') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${received.length}: ${received.map((r) => `${r.status} ${r.json?.type}#${r.json?.sequence}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of hanging) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const answer = receiver.behaviour(received.length + 1, { body });
      let json: any;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      if (answer === 'hang') {
        received.push({ headers: request.headers, body, json, status: 0 });
        hanging.add(() => response.destroy());
        return;
      }
      received.push({ headers: request.headers, body, json, status: answer });
      response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : `failing on purpose (${answer})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
