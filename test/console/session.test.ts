import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { ADMIN_STREAM } from '../../src/events/system-streams.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type ScimResponse, type TestServer } from '../support/test-server.js';

/** A browser-like caller: keeps the session cookie it is given and sends it back. */
class CookieJar {
  cookie: string | null = null;
  lastSetCookie: string | null = null;

  constructor(private readonly server: TestServer) {}

  async send(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<ScimResponse> {
    const response = await this.server.raw(method, `${this.server.origin}/api/v1${path}`, {
      headers: {
        ...(this.cookie ? { cookie: `scimd_session=${this.cookie}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      this.lastSetCookie = setCookie;
      const value = /^scimd_session=([^;]*)/.exec(setCookie)?.[1] ?? '';
      this.cookie = /Max-Age=0\b/.test(setCookie) || value === '' ? null : value;
    }
    return response;
  }
}

for (const backend of BACKENDS) {
  describe(`console sessions over HTTP (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let adminSecret: string;
    let adminSecretId: string;

    before(async () => {
      server = await startTestServer(backend);
      ({ call, secret: adminSecret, secretId: adminSecretId } = await adminApi(server));
    });
    after(() => server.close());

    /** The `auth.rejected` events of one admin secret on the admin stream. */
    const rejections = async (secretId: string) => (await server.store.readEvents(ADMIN_STREAM, 0, 1000)).filter((e) => e.type === 'auth.rejected' && e.subject.id === secretId);

    const signIn = async (secret = adminSecret) => {
      const jar = new CookieJar(server);
      const response = await jar.send('POST', '/session', { body: { secret } });
      return { jar, response, csrf: (response.body as { csrfToken?: string }).csrfToken ?? '' };
    };

    test('sign-in with an admin secret sets an HttpOnly, SameSite=Strict session cookie for the whole site, not Secure over plain HTTP', async () => {
      const { jar, response, csrf } = await signIn();
      assertOk(response, 201);
      const cookie = jar.lastSetCookie!;
      assert.match(cookie, /^scimd_session=[^;]+/);
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Strict/);
      assert.match(cookie, /; Path=\//);
      assert.match(cookie, /; Max-Age=43200/);
      assert.doesNotMatch(cookie, /Secure/, 'no Secure flag over plain HTTP, or the browser would drop the cookie');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.body.adminSecret.id, adminSecretId);
      assert.equal(response.body.idleTimeoutSeconds, 1800);
      assert.ok(csrf.length >= 32);
      assert.ok(!JSON.stringify(response.body).includes(adminSecret), 'the answer never echoes the secret');
    });

    test('the session cookie authenticates admin reads, and GET /session hands the page its CSRF token again', async () => {
      const { jar, csrf } = await signIn();
      assertOk(await jar.send('GET', '/directories'));
      const session = await jar.send('GET', '/session');
      assertOk(session);
      assert.equal(session.body.csrfToken, csrf);
    });

    test('an unsafe request with the cookie needs the CSRF header with the session token', async () => {
      const { jar, csrf } = await signIn();
      const name = `csrf-${backend}-${Date.now()}`;
      assertProblem(await jar.send('POST', '/directories', { body: { name } }), 403);
      assertProblem(await jar.send('POST', '/directories', { body: { name }, headers: { 'x-scimd-csrf': `${csrf.slice(0, -2)}xx` } }), 403);
      const other = await signIn();
      assertProblem(await jar.send('POST', '/directories', { body: { name }, headers: { 'x-scimd-csrf': other.csrf } }), 403, undefined);
      assertProblem(await jar.send('GET', `/directories/${encodeURIComponent(name)}`), 404);
      assertOk(await jar.send('POST', '/directories', { body: { name }, headers: { 'x-scimd-csrf': csrf } }), 201);
    });

    test('an unsafe request from another origin is refused even with the right CSRF token', async () => {
      const { jar, csrf } = await signIn();
      const refused = await jar.send('POST', '/directories', { body: { name: 'evil' }, headers: { 'x-scimd-csrf': csrf, origin: 'https://evil.example' } });
      assertProblem(refused, 403);
      assert.match(refused.body.detail, /Cross-origin/);
      assertOk(await jar.send('POST', '/directories', { body: { name: `same-origin-${backend}` }, headers: { 'x-scimd-csrf': csrf, origin: server.origin } }), 201);
    });

    test('a bearer admin secret still works without CSRF, and a bearer request ignores any cookie', async () => {
      assertOk(await call('POST', '/directories', { name: `bearer-${backend}` }), 201);
      const response = await server.raw('GET', `${server.origin}/api/v1/directories`, { headers: { authorization: 'Bearer nope', cookie: 'scimd_session=whatever' } });
      assertProblem(response, 401);
    });

    test('sign-in refuses a wrong secret (401) and a directory client secret (403), and sets no cookie', async () => {
      const wrong = await signIn('scimd_notarealsecretatall');
      assertProblem(wrong.response, 401);
      assert.equal(wrong.jar.cookie, null);
      const directory = await server.createDirectory();
      const scim = await signIn(directory.secret);
      assertProblem(scim.response, 403);
      assert.equal(scim.jar.cookie, null);
      assertProblem(await new CookieJar(server).send('POST', '/session', { body: { secret: adminSecret, extra: 1 } }), 400, 'invalid-input');
    });

    test('a tampered or absent cookie is not a session', async () => {
      const { jar } = await signIn();
      const [payload, signature] = jar.cookie!.split('.');
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), exp: 4102444800 })).toString('base64url');
      jar.cookie = `${forged}.${signature}`;
      assertProblem(await jar.send('GET', '/directories'), 401);
      assertProblem(await new CookieJar(server).send('GET', '/session'), 401);
      assertProblem(await server.raw('GET', `${server.origin}/api/v1/status`, { headers: { cookie: 'scimd_session=a; scimd_session=b' } }), 401);
    });

    test('sign-out revokes the session: the old cookie no longer works even if the browser kept it', async () => {
      const { jar, csrf } = await signIn();
      const kept = jar.cookie;
      assertProblem(await jar.send('DELETE', '/session'), 403, undefined);
      const out = await jar.send('DELETE', '/session', { headers: { 'x-scimd-csrf': csrf } });
      assert.equal(out.status, 204);
      assert.match(jar.lastSetCookie!, /Max-Age=0/);
      jar.cookie = kept;
      const after = await jar.send('GET', '/directories');
      assertProblem(after, 401);
      assert.match(after.body.detail, /signed out/);
    });

    test('a session ends after 30 idle minutes, while use keeps it alive up to its 12-hour limit', async () => {
      const start = server.clock.now;
      try {
        const idle = await signIn();
        const busy = await signIn();
        // A request every 25 minutes keeps the busy session alive right up to its absolute limit.
        for (let minute = 25; minute < 12 * 60; minute += 25) {
          server.clock.now = new Date(start.getTime() + minute * 60_000);
          assertOk(await busy.jar.send('GET', '/status'), 200);
        }
        const ended = await idle.jar.send('GET', '/status');
        assertProblem(ended, 401);
        assert.match(ended.body.detail, /idle/);
        server.clock.now = new Date(start.getTime() + 12 * 3_600_000 + 1000);
        const expired = await busy.jar.send('GET', '/status');
        assertProblem(expired, 401);
        assert.match(expired.body.detail, /time limit/);
      } finally {
        server.clock.now = start;
      }
    });

    test('revoking the admin secret a session signed in with ends the session', async () => {
      const { record, secret } = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'short-lived', lifetimeMs: null, now: server.clock.now });
      const { jar } = await signIn(secret);
      assertOk(await jar.send('GET', '/status'));
      assertOk(await call('DELETE', `/admin/secrets/${record.id}`));
      const refused = await jar.send('GET', '/status');
      assertProblem(refused, 401);
      assert.match(refused.body.detail, /revoked/);
      // Revoking is the admin's own act, often from this very console: nothing to announce.
      assert.deepEqual(await rejections(record.id), []);
    });

    test('a session whose admin secret has since expired is refused, and the refusal is announced like a presented expired secret, once within the hour', async () => {
      const start = server.clock.now;
      try {
        const { record, secret } = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'ten minutes', lifetimeMs: 10 * 60_000, now: start });
        const first = await signIn(secret);
        const second = await signIn(secret);
        assertOk(await first.jar.send('GET', '/status'));
        server.clock.now = new Date(start.getTime() + 11 * 60_000);
        const refused = await first.jar.send('GET', '/status', { headers: { 'user-agent': 'Firefox/133' } });
        assertProblem(refused, 401);
        assert.match(refused.body.detail, /expired/);
        assert.equal(first.jar.cookie, null, 'the cookie is cleared');
        assert.deepEqual(
          (await rejections(record.id)).map((e) => [e.data.reason, e.data.via, e.data.clientIp, e.data.userAgent]),
          [['expired', 'console_session', '127.0.0.1', 'Firefox/133']],
        );
        server.clock.now = new Date(start.getTime() + 20 * 60_000);
        assertProblem(await second.jar.send('GET', '/status'), 401);
        assert.equal((await rejections(record.id)).length, 1, 'announced at most hourly per secret');
        const listed = (await call('GET', '/status')).body.rejectedAdminSecrets.find((r: { id: string }) => r.id === record.id);
        assert.equal(listed?.via, 'console_session');
      } finally {
        server.clock.now = start;
      }
    });

    test('actions taken in a session are audited as the admin secret that signed in', async () => {
      const { jar, csrf } = await signIn();
      const name = `audited-${backend}`;
      assertOk(await jar.send('POST', '/directories', { body: { name }, headers: { 'x-scimd-csrf': csrf } }), 201);
      const audit = await call('GET', '/audit?limit=5');
      const entry = audit.body.entries.find((e: { action: string; detail: { name?: string } }) => e.action === 'directory.created' && e.detail.name === name);
      assert.equal(entry?.actor, adminSecretId);
    });
  });
}
