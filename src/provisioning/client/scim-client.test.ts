import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { parseFilter } from '../../scim/filter/parser.js';
import { ListingIncomplete, ScimClientError, TransportError } from './client-errors.js';
import { BearerSecret, ClientCredentials } from './credentials.js';
import { HttpTransport } from './http-transport.js';
import { ScimClient, type ScimClientOptions } from './scim-client.js';
import { eqFilter } from './scim-filter-text.js';

type Handler = (req: IncomingMessage & { body: string }, res: ServerResponse) => void;

/** A real HTTP server on loopback whose answers a test scripts. */
async function serve(handler: Handler): Promise<{ url: string; server: Server; requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] }> {
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(Object.assign(req, { body }), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/scim/v2`, server, requests };
}
const servers: Server[] = [];
after(() => servers.forEach((s) => s.closeAllConnections?.() ?? s.close()));

function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/scim+json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

const list = (resources: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: resources.length,
  Resources: resources,
  ...extra,
});

function client(url: string, options: Partial<ScimClientOptions> = {}): ScimClient {
  const c = new ScimClient({ baseUrl: url, credential: new BearerSecret('s3cret'), random: () => 0, ...options });
  clients.push(c);
  return c;
}
const clients: ScimClient[] = [];
after(() => clients.forEach((c) => c.close()));

describe('SCIM client', () => {
  it('after a 401, a bearer secret the engine rotated meanwhile is read again and the request sent once more with it', async () => {
    const target = await serve((req, res) => (req.headers.authorization === 'Bearer successor' ? reply(res, 200, list([])) : reply(res, 401, { status: '401', detail: 'revoked' })));
    let stored = 'successor';
    const c = client(target.url, { credential: new BearerSecret('retired', undefined, async () => ({ secret: stored })) });
    assert.deepEqual((await c.search('Users', 'userName eq "a"')).resources, []);
    assert.deepEqual(target.requests.map((r) => r.headers.authorization), ['Bearer retired', 'Bearer successor']);
    // The same secret stored again: nothing new to send, so the 401 is the answer (no loop).
    stored = 'successor';
    const refusing = await serve((_req, res) => reply(res, 401, { status: '401', detail: 'no' }));
    const d = client(refusing.url, { credential: new BearerSecret('successor', undefined, async () => ({ secret: stored })) });
    await assert.rejects(d.search('Users', 'userName eq "a"'), (e: unknown) => e instanceof ScimClientError && e.status === 401);
    assert.equal(refusing.requests.length, 1);
  });

  it('sends and accepts application/scim+json with the bearer secret, and keeps the tenant URL query', async () => {
    const target = await serve((req, res) => reply(res, 201, { id: '1', ...JSON.parse(req.body) }));
    const c = client(`${target.url}?aadOptscim062020`);
    const outcome = await c.create('Users', { userName: 'a' }, undefined);
    assert.deepEqual(outcome, { kind: 'created', resource: { id: '1', userName: 'a' }, status: 201 });
    const [request] = target.requests;
    assert.equal(request.url, '/scim/v2/Users?aadOptscim062020');
    assert.equal(request.headers['content-type'], 'application/scim+json');
    assert.match(String(request.headers.accept), /application\/scim\+json/);
    assert.equal(request.headers.authorization, 'Bearer s3cret');
  });

  it('throws typed errors carrying status, scimType and detail', async () => {
    const target = await serve((_req, res) => reply(res, 400, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter', detail: 'bad filter' }));
    await assert.rejects(client(target.url).search('Users', 'x eq'), (error: unknown) => {
      assert.ok(error instanceof ScimClientError);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidFilter');
      assert.equal(error.detail, 'bad filter');
      return true;
    });
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    let calls = 0;
    const target = await serve((_req, res) => (++calls === 1 ? reply(res, 429, { status: '429', detail: 'slow down' }, { 'retry-after': '1' }) : reply(res, 200, list([]))));
    const started = Date.now();
    await client(target.url).search('Users', 'userName eq "x"');
    assert.equal(calls, 2);
    assert.ok(Date.now() - started >= 950, `waited only ${Date.now() - started} ms`);
  });

  it('honours an HTTP-date Retry-After on 503 and retries a POST that was refused that way', async () => {
    let calls = 0;
    const target = await serve((_req, res) =>
      ++calls === 1 ? reply(res, 503, { status: '503' }, { 'retry-after': new Date(Date.now() + 1500).toUTCString() }) : reply(res, 201, { id: 'u1' }),
    );
    const started = Date.now();
    assert.equal((await client(target.url).create('Users', { userName: 'a' }, undefined)).kind, 'created');
    assert.equal(calls, 2);
    assert.ok(Date.now() - started >= 400, 'the HTTP date was honoured');
  });

  it('backs off exponentially without Retry-After and gives up after the last attempt', async () => {
    let calls = 0;
    const target = await serve((_req, res) => {
      calls++;
      reply(res, 503, { status: '503', detail: 'down' });
    });
    const c = client(target.url, { retry: { maxAttempts: 3, baseMs: 1, capMs: 1 } });
    await assert.rejects(c.getResource('Users', 'x'), (error: unknown) => error instanceof ScimClientError && error.status === 503);
    assert.equal(calls, 3);
  });

  it('fails at once when Retry-After is longer than it is willing to wait', async () => {
    const target = await serve((_req, res) => reply(res, 429, { status: '429' }, { 'retry-after': '3600' }));
    await assert.rejects(client(target.url).getResource('Users', 'x'), (error: unknown) => error instanceof ScimClientError && error.status === 429);
    assert.equal(target.requests.length, 1);
  });

  it('does not retry errors that are not transient (400, 501)', async () => {
    for (const status of [400, 501]) {
      const target = await serve((_req, res) => reply(res, status, { status: String(status), detail: 'boom' }));
      await assert.rejects(client(target.url).getResource('Users', 'x'), new RegExp(`${status}: boom`));
      assert.equal(target.requests.length, 1);
    }
  });

  it('retries a 500 and a 408 with backoff through the injected sleep', async () => {
    let calls = 0;
    const target = await serve((_req, res) => (++calls === 1 ? reply(res, 500, { detail: 'boom' }) : calls === 2 ? reply(res, 408, { detail: 'slow' }) : reply(res, 200, { id: 'x' })));
    const waits: number[] = [];
    const c = client(target.url, { random: () => 1, retry: { baseMs: 10, capMs: 1000 }, sleep: async (ms) => void waits.push(ms) });
    assert.deepEqual(await c.getResource('Users', 'x'), { id: 'x' });
    assert.deepEqual(waits, [10, 20]);
  });

  it('resends an idempotent request after a dropped connection', async () => {
    let calls = 0;
    const target = await serve((req, res) => (++calls === 1 ? req.socket.destroy() : reply(res, 200, { id: 'x' })));
    assert.deepEqual(await client(target.url).getResource('Users', 'x'), { id: 'x' });
    assert.equal(calls, 2);
  });

  it('after a POST whose answer is lost, finds the created resource instead of posting again', async () => {
    const created: unknown[] = [];
    const target = await serve((req, res) => {
      if (req.method === 'POST') {
        created.push(JSON.parse(req.body));
        req.socket.destroy(); // created, but the answer never arrives
      } else reply(res, 200, list(created.map((c, i) => ({ id: `u${i}`, ...(c as object) }))));
    });
    const outcome = await client(target.url).create('Users', { userName: 'a' }, eqFilter('userName', 'a'));
    assert.deepEqual(outcome, { kind: 'recovered', resource: { id: 'u0', userName: 'a' }, status: 200 });
    assert.equal(created.length, 1, 'exactly one POST reached the target');
    assert.deepEqual(target.requests.map((r) => r.method), ['POST', 'GET']);
    assert.equal(new URL(target.requests[1].url, 'http://x').searchParams.get('filter'), 'userName eq "a"');
  });

  it('after a POST dropped before the target acted, looks up, finds nothing and posts again', async () => {
    let posts = 0;
    const target = await serve((req, res) => {
      if (req.method === 'POST') {
        if (++posts === 1) return req.socket.destroy();
        return reply(res, 201, { id: 'u1', userName: 'a' });
      }
      reply(res, 200, list([]));
    });
    assert.equal((await client(target.url).create('Users', { userName: 'a' }, eqFilter('userName', 'a'))).kind, 'created');
    assert.deepEqual(target.requests.map((r) => r.method), ['POST', 'GET', 'POST']);
  });

  it('on 409 returns the existing resource found by the lookup', async () => {
    const target = await serve((req, res) => (req.method === 'POST' ? reply(res, 409, { status: '409', scimType: 'uniqueness' }) : reply(res, 200, list([{ id: 'e1', userName: 'a' }]))));
    assert.deepEqual(await client(target.url).create('Users', { userName: 'a' }, eqFilter('userName', 'a')), { kind: 'exists', resource: { id: 'e1', userName: 'a' }, status: 409 });
  });

  it('times out a request that gets no answer and retries it', async () => {
    let calls = 0;
    const target = await serve((_req, res) => (++calls < 3 ? undefined : reply(res, 200, { id: 'late' })));
    // Generous: only the two silent attempts may run into it, never the answered third.
    const c = client(target.url, { timeoutMs: 1000 });
    assert.deepEqual(await c.getResource('Users', 'x'), { id: 'late' });
    assert.equal(calls, 3);
    const silent = await serve(() => undefined);
    await assert.rejects(client(silent.url, { timeoutMs: 100, retry: { maxAttempts: 2 } }).getResource('Users', 'x'), (error: unknown) => error instanceof TransportError && error.code === 'ETIMEDOUT');
  });

  it('reports an unreachable target as a transport error', async () => {
    const target = await serve(() => undefined);
    const url = target.url;
    await new Promise<void>((resolve) => target.server.close(() => resolve()));
    await assert.rejects(client(url, { retry: { maxAttempts: 2, baseMs: 1 } }).getResource('Users', 'x'), (error: unknown) => error instanceof TransportError && error.code === 'ECONNREFUSED');
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    // The target holds every answer until three requests wait, so three are surely in flight at
    // once however slow the machine; a fourth sent too early would arrive while they are held
    // (released a turn of the event loop later, which can only help it show).
    const held: ServerResponse[] = [];
    let most = 0;
    const target = await serve((_req, res) => {
      held.push(res);
      most = Math.max(most, held.length);
      if (held.length === 3) setImmediate(() => held.splice(0).forEach((answer) => reply(answer, 200, { id: 'x' })));
    });
    const c = client(target.url, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.getResource('Users', String(i))));
    assert.equal(most, 3);
    assert.equal(target.requests.length, 12);
  });

  it('starts at most `ratePerSecond` requests a second', async () => {
    const target = await serve((_req, res) => reply(res, 200, { id: 'x' }));
    const c = client(target.url, { ratePerSecond: 20 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 11 }, (_, i) => c.getResource('Users', String(i))));
    assert.ok(Date.now() - started >= 450, `11 requests at 20/s took ${Date.now() - started} ms`);
  });

  it('pages by cursor when the target answers nextCursor', async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({ id: `u${i}` }));
    const target = await serve((req, res) => {
      const params = new URL(req.url!, 'http://x').searchParams;
      const from = Number(params.get('cursor') || 0);
      const count = Number(params.get('count'));
      const next = from + count < all.length ? String(from + count) : undefined;
      reply(res, 200, list(all.slice(from, from + count), { totalResults: all.length, ...(next ? { nextCursor: next } : {}) }));
    });
    const seen: string[] = [];
    for await (const page of client(target.url).list('Users', { pageSize: 3 })) seen.push(...page.map((r) => r.id!));
    assert.deepEqual(seen, all.map((u) => u.id));
    assert.ok(target.requests.every((r) => new URL(r.url, 'http://x').searchParams.has('cursor')));
  });

  /** A target that pages by cursor through scripted pages: the cursor names the page; the last has no nextCursor. */
  const cursorPages = (pages: { ids: string[]; next?: string }[], byCursor: Record<string, number>) =>
    serve((req, res) => {
      const cursor = new URL(req.url!, 'http://x').searchParams.get('cursor') ?? '';
      const page = pages[byCursor[cursor] ?? 0]!;
      reply(res, 200, list(page.ids.map((id) => ({ id })), page.next ? { nextCursor: page.next } : {}));
    });

  it('yields each resource once when cursor pages overlap (a resource that moved while the listing ran)', async () => {
    const target = await cursorPages([{ ids: ['u0', 'u1', 'u2'], next: 'b' }, { ids: ['u2', 'u3', 'u4'], next: 'c' }, { ids: ['u4', 'u5'] }], { '': 0, b: 1, c: 2 });
    const pages: string[][] = [];
    for await (const page of client(target.url).list('Users', { pageSize: 3 })) pages.push(page.map((r) => r.id!));
    assert.deepEqual(pages, [['u0', 'u1', 'u2'], ['u3', 'u4'], ['u5']]);
  });

  it('a cursor page of nothing but repeats under a new cursor ends the listing instead of cycling, and fails a listing that must be whole', async () => {
    // Two cursors that lead to each other, each with the same page: followed, it would never end (the
    // target gives up after 20 requests so the old behaviour fails rather than hangs).
    const cycling = [{ ids: ['u0', 'u1'], next: 'a' }, { ids: ['u0', 'u1'], next: 'b' }, { ids: ['u0', 'u1'], next: 'a' }, { ids: ['u0', 'u1'] }];
    let requests = 0;
    const target = await serve((req, res) => {
      const cursor = new URL(req.url!, 'http://x').searchParams.get('cursor') ?? '';
      const page = ++requests > 20 ? cycling[3]! : cycling[cursor === '' ? 0 : cursor === 'a' ? 1 : 2]!;
      reply(res, 200, list(page.ids.map((id) => ({ id })), page.next ? { nextCursor: page.next } : {}));
    });
    const seen: string[] = [];
    for await (const page of client(target.url).list('Users', { pageSize: 2 })) seen.push(...page.map((r) => r.id!));
    assert.deepEqual(seen, ['u0', 'u1']);
    assert.equal(target.requests.length, 2, 'the first page, then the page of repeats');
    requests = 0;
    await assert.rejects(
      (async () => {
        for await (const _page of client(target.url).list('Users', { pageSize: 2, whole: true }));
      })(),
      (error: Error) => error instanceof ListingIncomplete && /GET \/Users: after 2 resources the server answered a cursor page of resources it had already listed/.test(error.message),
    );
  });

  it('pages by index when the target ignores cursors', async () => {
    const all = Array.from({ length: 8 }, (_, i) => ({ id: `u${i}` }));
    const target = await serve((req, res) => {
      const params = new URL(req.url!, 'http://x').searchParams;
      const start = Number(params.get('startIndex') ?? 1);
      const count = Number(params.get('count'));
      reply(res, 200, list(all.slice(start - 1, start - 1 + count), { totalResults: all.length, startIndex: start }));
    });
    const seen: string[] = [];
    for await (const page of client(target.url).list('Users', { pageSize: 3, filter: 'active eq true' })) seen.push(...page.map((r) => r.id!));
    assert.deepEqual(seen, all.map((u) => u.id));
    assert.deepEqual(target.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('startIndex')), [null, '4', '7']);
    assert.equal(new URL(target.requests[0].url, 'http://x').searchParams.get('filter'), 'active eq true');
    assert.match(target.requests[0].url, /filter=active%20eq%20true/);
  });

  const startIndexes = (target: { requests: { url: string }[] }) => target.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('startIndex'));

  it('pages on past a totalResults that is only the page\'s length, as Jackson answers, until a page is empty', async () => {
    const all = Array.from({ length: 12 }, (_, i) => ({ id: `u${i}` }));
    const target = await serve((req, res) => {
      // At most 5 a page whatever count asks, and totalResults says the page's length.
      const start = Number(new URL(req.url!, 'http://x').searchParams.get('startIndex') ?? 1);
      const page = all.slice(start - 1, start - 1 + 5);
      reply(res, 200, list(page, { totalResults: page.length, startIndex: start }));
    });
    const seen: string[] = [];
    for await (const page of client(target.url).list('Users', { pageSize: 200 })) seen.push(...page.map((r) => r.id!));
    assert.deepEqual(seen, all.map((u) => u.id));
    assert.deepEqual(startIndexes(target), [null, '6', '11', '13']);
  });

  it('stops, yielding each resource once, when a target repeats its first page whatever startIndex says', async () => {
    const all = Array.from({ length: 10 }, (_, i) => ({ id: `g${i}` }));
    const target = await serve((_req, res) => reply(res, 200, list(all.slice(0, 4), { startIndex: 1 })));
    const seen: string[] = [];
    for await (const page of client(target.url).list('Groups', { pageSize: 20 })) seen.push(...page.map((r) => r.id!));
    assert.deepEqual(seen, ['g0', 'g1', 'g2', 'g3']);
    assert.deepEqual(startIndexes(target), [null, '5']);
  });

  it('a listing that must be whole (a source\'s) throws ListingIncomplete instead of ending on a repeated page', async () => {
    const all = Array.from({ length: 10 }, (_, i) => ({ id: `g${i}` }));
    const target = await serve((_req, res) => reply(res, 200, list(all.slice(0, 4), { startIndex: 1 })));
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const page of client(target.url).list('Groups', { pageSize: 20, whole: true })) seen.push(...page.map((r) => r.id!));
      })(),
      (error: Error) => error instanceof ListingIncomplete && /GET \/Groups: after 4 resources .* cannot be known to be whole/.test(error.message),
    );
    assert.deepEqual(seen, ['g0', 'g1', 'g2', 'g3']);
  });

  it('a cursor handed back unchanged ends the listing instead of being followed forever, and fails a listing that must be whole', async () => {
    const target = await serve((_req, res) => reply(res, 200, list([{ id: 'u0' }], { nextCursor: 'same' })));
    const seen: string[] = [];
    for await (const page of client(target.url).list('Users', { pageSize: 1 })) seen.push(...page.map((r) => r.id!));
    assert.deepEqual([...new Set(seen)], ['u0']);
    assert.equal(target.requests.length, 2, 'the first page, then the cursor once');
    await assert.rejects(
      (async () => {
        for await (const _page of client(target.url).list('Users', { pageSize: 1, whole: true }));
      })(),
      (error: Error) => error instanceof ListingIncomplete && /handed back the cursor it was sent/.test(error.message),
    );
  });

  it('asks once past a total that a full page reached, and takes a refusal of that startIndex as the end', async () => {
    const all = Array.from({ length: 6 }, (_, i) => ({ id: `u${i}` }));
    const target = await serve((req, res) => {
      const start = Number(new URL(req.url!, 'http://x').searchParams.get('startIndex') ?? 1);
      if (start > all.length) return reply(res, 400, { status: '400', scimType: 'invalidValue', detail: 'startIndex is past the end' });
      reply(res, 200, list(all.slice(start - 1, start + 2), { totalResults: all.length, startIndex: start }));
    });
    const seen: string[] = [];
    for await (const page of client(target.url).list('Users', { pageSize: 3, paging: 'index' })) seen.push(...page.map((r) => r.id!));
    assert.deepEqual(seen, all.map((u) => u.id));
    assert.deepEqual(startIndexes(target), ['1', '4', '7']);
  });

  it('treats DELETE of a resource that is already gone as done', async () => {
    const target = await serve((_req, res) => reply(res, 404, { status: '404' }));
    assert.deepEqual(await client(target.url).delete('Users', 'gone'), { status: 404, existed: false });
  });
});

describe('OAuth client credentials', () => {
  async function tokenServer(lifetimeSeconds: number) {
    let issued = 0;
    const token = await serve((req, res) => {
      const [id, secret] = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString().split(':');
      const form = new URLSearchParams(req.body);
      if (id !== 'client-1' || secret !== 'p%40ss' || form.get('grant_type') !== 'client_credentials') {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client' }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: lifetimeSeconds }));
    });
    return { url: token.url.replace('/scim/v2', '/token'), issued: () => issued };
  }

  it('fetches one token for many requests and reuses it until shortly before expiry', async () => {
    const token = await tokenServer(3600);
    const target = await serve((req, res) => reply(res, 200, { id: 'x', auth: req.headers.authorization }));
    const transport = new HttpTransport({ maxSockets: 2, timeoutMs: 5000 });
    const credential = new ClientCredentials({ tokenUrl: token.url, clientId: 'client-1', clientSecret: 'p@ss' }, transport);
    const c = client(target.url, { credential });
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.getResource('Users', 'x')));
    assert.ok(answers.every((a) => a!.auth === 'Bearer token-1'));
    assert.equal(token.issued(), 1);
    assert.ok(credential.expiresAt()!.getTime() > Date.now() + 3500_000);
    transport.close();
  });

  it('fetches a new token when the old one is about to expire', async () => {
    const token = await tokenServer(1);
    const transport = new HttpTransport({ maxSockets: 2, timeoutMs: 5000 });
    // The credential's clock moves only when the test moves it: a 1 s token is renewed at 90 % of its life.
    let now = 1_000_000;
    const credential = new ClientCredentials({ tokenUrl: token.url, clientId: 'client-1', clientSecret: 'p@ss' }, transport, () => now);
    assert.equal(await credential.authorization(), 'Bearer token-1');
    now += 899;
    assert.equal(await credential.authorization(), 'Bearer token-1', 'still fresh 899 ms into a 1 s lifetime');
    now += 1;
    assert.equal(await credential.authorization(), 'Bearer token-2', 'renewed at 900 ms, before it expires');
    assert.equal(credential.expiresAt()!.getTime(), now + 1000);
    assert.equal(token.issued(), 2);
    transport.close();
  });

  it('fetches a new token once when the target answers 401', async () => {
    const token = await tokenServer(3600);
    let calls = 0;
    const target = await serve((req, res) => (++calls === 1 ? reply(res, 401, { status: '401' }) : reply(res, 200, { id: 'x', auth: req.headers.authorization })));
    const transport = new HttpTransport({ maxSockets: 2, timeoutMs: 5000 });
    const c = client(target.url, { credential: new ClientCredentials({ tokenUrl: token.url, clientId: 'client-1', clientSecret: 'p@ss' }, transport) });
    assert.equal((await c.getResource('Users', 'x'))!.auth, 'Bearer token-2');
    transport.close();
  });

  it('says what the token endpoint said when it refuses', async () => {
    const token = await tokenServer(3600);
    const transport = new HttpTransport({ maxSockets: 2, timeoutMs: 5000 });
    const credential = new ClientCredentials({ tokenUrl: token.url, clientId: 'client-1', clientSecret: 'wrong' }, transport);
    await assert.rejects(credential.authorization(), /refused the client credentials: invalid_client \(unknown client\)/);
    transport.close();
  });
});

describe('filter text', () => {
  const VALUES = ['plain', 'with "quotes"', 'back\\slash', 'tab\there', 'ünïcödé', 'a) or (b eq "c'];
  for (const value of VALUES) {
    it(`quotes ${JSON.stringify(value)} so the filter parses back to the same value`, () => {
      const filter = parseFilter(eqFilter('emails[type eq "work"].value', value));
      assert.equal(filter.kind, 'valuePath');
      const inner = (filter as { filter: { right: { value: unknown } } }).filter.right;
      assert.equal(inner.value, value);
      assert.deepEqual(parseFilter(eqFilter('userName', value)), { kind: 'compare', path: { attr: 'userName' }, op: 'eq', value });
    });
  }
  it('refuses a path that is not one', () => {
    assert.throws(() => eqFilter('userName eq "x" or userName', 'y'), /not an attribute path/);
  });
});
