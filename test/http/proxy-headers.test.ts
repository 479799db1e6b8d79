import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { parseTrustProxy, trustFunction } from '../../src/http/trust-proxy.js';
import { parsePublicUrl } from '../../src/http/public-url.js';
import { adminApi, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Headers a client forges itself, in the hope a proxy passes them on. */
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
/** The address a proxy such as nginx appends to whatever X-Forwarded-For the client sent. */
const CLIENT = '203.0.113.7';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A request through node:http, which (unlike fetch) sends the Host header the test chooses. */
function send(origin: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<RawAnswer> {
  const url = new URL(path, origin);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers: { ...headers, ...(payload ? { 'content-type': 'application/scim+json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Every absolute URL a client can read from the server, from discovery, a created user, OAuth metadata and the admin API. */
async function absoluteUrls(server: TestServer, call: AdminCall, secret: string, headers: Record<string, string>): Promise<string[]> {
  const urls: string[] = [];
  const created = await send(server.origin, 'POST', '/scim/v2/Users', { ...headers, authorization: `Bearer ${secret}` }, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `u${Math.random()}@example.com` });
  assert.equal(created.status, 201);
  urls.push(String(created.headers.location), created.body.meta.location);
  const config = await send(server.origin, 'GET', '/scim/v2/ServiceProviderConfig', headers);
  urls.push(config.body.meta.location);
  const types = await send(server.origin, 'GET', '/scim/v2/ResourceTypes', headers);
  urls.push(...types.body.Resources.map((t: any) => t.meta.location));
  const schemas = await send(server.origin, 'GET', '/scim/v2/Schemas', headers);
  urls.push(...schemas.body.Resources.map((s: any) => s.meta.location));
  const metadata = await send(server.origin, 'GET', '/.well-known/oauth-authorization-server', headers);
  urls.push(metadata.body.issuer, metadata.body.token_endpoint);
  const directories = await call('GET', '/directories');
  urls.push(...directories.body.directories.map((d: any) => d.scimUrl));
  return urls;
}

function assertUnder(url: string, base: string): void {
  assert.ok(url === base || url.startsWith(`${base}/`), `${url} is ${base} or below it`);
}

describe('--trust-proxy and --public-url parsing', () => {
  it('reads a bare flag and 1 as one hop, a number as hops, a list as proxy addresses, and all only when spelt out', () => {
    assert.equal(parseTrustProxy(undefined), false);
    assert.equal(parseTrustProxy(true), 1);
    assert.equal(parseTrustProxy('1'), 1);
    assert.equal(parseTrustProxy('2'), 2);
    assert.equal(parseTrustProxy('0'), false);
    assert.deepEqual(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback'), ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback']);
    assert.equal(parseTrustProxy('all'), true);
    for (const bad of ['yes', 'true', '10.0.0.0/33', '300.1.1.1', 'proxy.internal', '10.0.0.0/8,', '-1', 'toString']) {
      assert.throws(() => parseTrustProxy(bad), /--trust-proxy/, bad);
    }
  });

  it('trusts hops by position for a count, and by address (IPv4-mapped included) for a list', () => {
    const oneHop = trustFunction(1);
    assert.deepEqual([oneHop('198.51.100.1', 0), oneHop('198.51.100.1', 1)], [true, false]);
    const listed = trustFunction(['10.0.0.0/8', '::1', 'uniquelocal']);
    assert.equal(listed('10.1.2.3', 0), true);
    assert.equal(listed('::ffff:10.1.2.3', 0), true);
    assert.equal(listed('::1', 3), true);
    assert.equal(listed('192.168.1.1', 0), true);
    assert.equal(listed('127.0.0.1', 0), false);
    assert.equal(listed(undefined, 0), false);
    assert.equal(trustFunction(false)('10.0.0.1', 0), false);
  });

  it('keeps a public URL’s path prefix, drops a trailing slash, and refuses what is not an http(s) base URL', () => {
    assert.equal(parsePublicUrl('https://scim.example.com/'), 'https://scim.example.com');
    assert.equal(parsePublicUrl('https://example.com/idm/'), 'https://example.com/idm');
    for (const bad of ['scim.example.com', 'ftp://example.com', 'https://example.com/?a=1', 'https://u:p@example.com']) {
      assert.throws(() => parsePublicUrl(bad), /--public-url/, bad);
    }
  });
});

for (const backend of BACKENDS) {
  for (const trustProxy of [1, ['127.0.0.1']] as const) {
    describe(`trusting ${JSON.stringify(trustProxy)} behind a proxy that appends to X-Forwarded-For (${backend})`, () => {
      let server: TestServer;
      let call: AdminCall;
      let adminSecret: string;
      before(async () => {
        server = await startTestServer(backend, { trustProxy: trustProxy as number | string[], authFailureLimit: 5, activityFlushMs: 0 });
        ({ call, secret: adminSecret } = await adminApi(server));
      });
      after(() => server.close());

      it('counts failed authentications against the address the proxy saw, whatever X-Forwarded-For the client forged', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const answer = await send(server.origin, 'GET', '/scim/v2/Users', { authorization: 'Bearer scimd_wrong', 'x-forwarded-for': `198.51.100.${i}, ${CLIENT}` });
          statuses.push(answer.status);
        }
        assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
        const other = await send(server.origin, 'GET', '/scim/v2/Users', { authorization: 'Bearer scimd_wrong', 'x-forwarded-for': `${CLIENT}, 203.0.113.8` });
        assert.equal(other.status, 401, 'another client behind the same proxy is not limited');
      });

      it('keeps the trusted proxy’s X-Request-Id', async () => {
        const answer = await send(server.origin, 'GET', '/healthz', { 'x-request-id': 'nginx-req-42' });
        assert.equal(answer.headers['x-request-id'], 'nginx-req-42');
      });

      it('records the proxy-seen address in the audit log and the connection status', async () => {
        const created = await send(server.origin, 'POST', '/api/v1/directories', { authorization: `Bearer ${adminSecret}`, 'x-forwarded-for': `198.51.100.1, ${CLIENT}`, 'content-type': 'application/json' }, { name: 'audited-behind-proxy' });
        assert.equal(created.status, 201);
        const audit = await call('GET', `/audit?directory=${created.body.id}`);
        assert.equal(audit.body.entries[0].actorIp, CLIENT);

        const dir = await server.createDirectory();
        const listed = await send(server.origin, 'GET', '/scim/v2/Users', { authorization: `Bearer ${dir.secret}`, 'x-forwarded-for': `198.51.100.2, ${CLIENT}` });
        assert.equal(listed.status, 200);
        await server.app.lifecycle.flush();
        assert.equal((await server.store.connectionStatus(dir.id))!.lastClientIp, CLIENT);
      });

      it('builds no URL from Host, X-Forwarded-Host or X-Forwarded-Proto: all come from the listen address', async () => {
        const dir = await server.createDirectory();
        const urls = await absoluteUrls(server, call, dir.secret, FORGED);
        for (const url of urls) assertUnder(url, server.origin);
      });
    });
  }

  describe(`trusting only 10.0.0.0/8 while the client connects from loopback (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend, { trustProxy: ['10.0.0.0/8'], activityFlushMs: 0 });
    });
    after(() => server.close());

    it('ignores X-Forwarded-For and X-Request-Id from a peer that is not a listed proxy', async () => {
      const dir = await server.createDirectory();
      const answer = await send(server.origin, 'GET', '/scim/v2/Users', { authorization: `Bearer ${dir.secret}`, 'x-forwarded-for': CLIENT, 'x-request-id': 'forged-id-1' });
      assert.equal(answer.status, 200);
      assert.notEqual(answer.headers['x-request-id'], 'forged-id-1');
      await server.app.lifecycle.flush();
      assert.equal((await server.store.connectionStatus(dir.id))!.lastClientIp, '127.0.0.1');
    });
  });

  describe(`with --public-url (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let adminSecret: string;
    before(async () => {
      server = await startTestServer(backend, { trustProxy: 1, publicUrl: 'https://scim.example.com/idm' });
      ({ call, secret: adminSecret } = await adminApi(server));
    });
    after(() => server.close());

    it('builds every absolute URL from the public URL, whatever the request’s headers say', async () => {
      const dir = await server.createDirectory();
      for (const headers of [FORGED, {}]) {
        const urls = await absoluteUrls(server, call, dir.secret, headers);
        for (const url of urls) assertUnder(url, 'https://scim.example.com/idm');
      }
    });

    it('serves OAuth metadata that a forged header cannot change, so a shared cache cannot be poisoned', async () => {
      const plain = await send(server.origin, 'GET', '/.well-known/oauth-authorization-server', {});
      const forged = await send(server.origin, 'GET', '/.well-known/oauth-authorization-server', FORGED);
      assert.deepEqual(forged.body, plain.body);
      assert.equal(plain.body.issuer, 'https://scim.example.com/idm');
      assert.equal(plain.body.token_endpoint, 'https://scim.example.com/idm/oauth/token');
    });

    it('accepts console changes from the public origin and refuses an origin named only by X-Forwarded-Host', async () => {
      const signIn = await send(server.origin, 'POST', '/api/v1/session', { 'content-type': 'application/json' }, { secret: adminSecret });
      assert.equal(signIn.status, 201);
      const cookie = String(signIn.headers['set-cookie']).split(';')[0];
      const session = { cookie, 'x-scimd-csrf': signIn.body.csrfToken as string, 'content-type': 'application/json' };
      const forged = await send(server.origin, 'POST', '/api/v1/directories', { ...session, origin: 'https://evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }, { name: 'forged-origin' });
      assert.equal(forged.status, 403);
      const own = await send(server.origin, 'POST', '/api/v1/directories', { ...session, origin: 'https://scim.example.com' }, { name: 'public-origin' });
      assert.equal(own.status, 201);
    });
  });
}
