import assert from 'node:assert/strict';
import crypto, { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { generateSecret } from '../../src/auth/secret-format.js';
import { authenticateAdminSecret } from '../../src/auth/admin-secrets.js';
import { AccessTokenCodec } from '../../src/auth/access-token.js';
import { authenticateSecret, createSecret } from '../../src/auth/secrets.js';
import { setUpAdminSecret } from '../../src/admin/admin-bootstrap.js';
import { CursorCodec } from '../../src/directory/cursor-codec.js';
import { generateWebhookSecret, signWebhook, verifyWebhook } from '../../src/events/webhook-signature.js';
import { SessionTokenCodec } from '../../src/http/admin/session-token.js';
import type { Store } from '../../src/store/store.js';
import { adminApi, assertProblem } from '../support/admin-api.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { assertScimError, assertStatus } from '../support/scim-assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The TypeScript sources, found from the compiled test's location (dist/test/security → src). */
const SOURCE_ROOT = fileURLToPath(new URL('../../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * node:crypto's timingSafeEqual, replaced by a recording wrapper for the length of a suite. The
 * product imports it by name; syncBuiltinESMExports makes those bindings see the wrapper, so the
 * test observes the very comparisons the code makes, at the module boundary.
 */
function recordTimingSafeEqual(): { calls: [Buffer, Buffer][]; restore(): void } {
  const calls: [Buffer, Buffer][] = [];
  const original = crypto.timingSafeEqual;
  crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    calls.push([Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
    return original(a, b);
  }) as typeof crypto.timingSafeEqual;
  syncBuiltinESMExports();
  return {
    calls,
    restore() {
      crypto.timingSafeEqual = original;
      syncBuiltinESMExports();
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A token `payload.signature` with one character of the signature changed at `index` (same length). */
function forged(token: string, index: number): string {
  const dot = token.lastIndexOf('.');
  const signature = token.slice(dot + 1);
  const at = index < 0 ? signature.length + index : index;
  const changed = signature[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, dot + 1)}${signature.slice(0, at)}${changed}${signature.slice(at + 1)}`;
}

describe('constant-time comparison of credentials (behaviour, watched at node:crypto)', () => {
  // A statistical timing test would be flaky on a shared machine; instead every comparison the
  // code makes is watched: which function, on which bytes, whatever byte differs.
  let spy: ReturnType<typeof recordTimingSafeEqual>;
  let database: TestDatabase;
  let store: Store;
  const lookups: string[] = [];
  before(async () => {
    spy = recordTimingSafeEqual();
    database = await createTestDatabase('sqlite');
    const real = await database.open();
    store = new Proxy(real, {
      get(target, property, receiver) {
        if (property === 'findSecretByHash') {
          return (hash: string) => {
            lookups.push(hash);
            return target.findSecretByHash(hash);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  });
  after(async () => {
    spy.restore();
    await store?.close();
    await database?.drop();
  });
  const reset = () => {
    spy.calls.length = 0;
    lookups.length = 0;
  };

  it('looks a presented secret up by its SHA-256 hash and compares the stored hash with timingSafeEqual', async () => {
    const now = new Date();
    const directory = await store.createDirectory({ id: 'dir_ct', name: 'ct', created: now.toISOString() });
    const scim = await createSecret(store, { directoryId: directory.id, scope: 'scim', name: 'scim', lifetimeMs: 86_400_000, now });
    const admin = await createSecret(store, { directoryId: null, scope: 'admin', name: 'admin', lifetimeMs: 86_400_000, now });
    const operatorSecret = 'an-operator-chose-this-admin-secret-long-enough';
    await setUpAdminSecret(store, { environmentSecret: operatorSecret, bootstrap: false, now, lifetimeMs: null });

    const cases: [string, () => Promise<{ ok: boolean }>][] = [
      [scim.secret, () => authenticateSecret(store, scim.secret, now)],
      [admin.secret, () => authenticateAdminSecret(store, admin.secret, now)],
    ];
    for (const [secret, authenticate] of cases) {
      reset();
      assert.equal((await authenticate()).ok, true);
      // The database is asked for the digest, never the secret; the digests are then compared whole.
      assert.deepEqual(lookups, [sha256(secret).toString('hex')]);
      assert.equal(spy.calls.length, 1, 'one constant-time comparison');
      const [stored, presented] = spy.calls[0];
      assert.deepEqual(presented, sha256(secret));
      assert.deepEqual(stored, sha256(secret));
    }
    // An operator-chosen secret is kept as scrypt: after looking for an old SHA-256 row (none), the
    // derived key is compared whole with the stored one.
    reset();
    assert.equal((await authenticateAdminSecret(store, operatorSecret, now)).ok, true);
    assert.deepEqual(lookups, [sha256(operatorSecret).toString('hex')]);
    assert.equal(spy.calls.length, 1, 'one constant-time comparison');
    assert.equal(spy.calls[0][0].length, 32);
    assert.equal(spy.calls[0][1].length, 32);
    // A wrong secret is refused by the lookup of its own digest: nothing stored is compared with it.
    reset();
    const wrong = generateSecret();
    assert.deepEqual(await authenticateSecret(store, wrong, now), { ok: false, reason: 'unknown' });
    assert.deepEqual(lookups, [sha256(wrong).toString('hex')]);
    assert.equal(spy.calls.length, 0);
  });

  it('checks access tokens, cursors, console sessions, CSRF tokens and webhook signatures with timingSafeEqual over the whole MAC, wherever the forgery differs', () => {
    const key = randomBytes(32);
    const now = new Date();
    const tokens = new AccessTokenCodec(key);
    const cursors = new CursorCodec(key, 600);
    const sessions = new SessionTokenCodec(key, { absoluteSeconds: 3600, idleSeconds: 600 });
    const session = sessions.issue('sec_admin', now);
    const webhookSecret = generateWebhookSecret();
    const webhookHeaders = (signature: string) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature });
    const goodWebhook = signWebhook([webhookSecret], 'msg_1', Math.floor(now.getTime() / 1000), '{}');
    const checks: { what: string; good: string; accepts: (candidate: string) => boolean }[] = [
      { what: 'access token', good: tokens.issue('sec_1', now, 600).token, accepts: (t) => tokens.verify(t, now).ok },
      { what: 'cursor', good: cursors.encode({ key: 'x', pk: 1 }, 'q', now), accepts: (t) => { try { cursors.decode(t, 'q', now); return true; } catch { return false; } } },
      { what: 'console session', good: session.token, accepts: (t) => sessions.verify(t, now).ok },
      { what: 'CSRF token', good: `x.${sessions.csrfToken(session.claims)}`, accepts: (t) => sessions.checkCsrf(session.claims, t.slice(2)) },
      { what: 'webhook signature', good: `x.${goodWebhook.replace(/^v1,/, '')}`, accepts: (t) => verifyWebhook(webhookSecret, webhookHeaders(`v1,${t.slice(2)}`), '{}', now) },
    ];
    for (const { what, good, accepts } of checks) {
      const mac = Buffer.from(good.slice(good.lastIndexOf('.') + 1));
      spy.calls.length = 0;
      assert.equal(accepts(good), true, `${what}: the genuine one passes`);
      assert.deepEqual(spy.calls.map((call) => call.map(String).sort()), [[String(mac), String(mac)]], `${what}: compared whole with timingSafeEqual`);
      for (const index of [0, -1]) {
        const forgery = forged(good, index);
        const forgedMac = Buffer.from(forgery.slice(forgery.lastIndexOf('.') + 1));
        spy.calls.length = 0;
        assert.equal(accepts(forgery), false, `${what}: a forgery differing at ${index} is refused`);
        assert.equal(spy.calls.length, 1, `${what}: one comparison for a forgery differing at ${index}`);
        assert.deepEqual(spy.calls[0].map(String).sort(), [String(mac), String(forgedMac)].sort(), `${what}: the whole MAC against the whole forgery`);
      }
      // Only a wrong length is refused before comparing: the length of a MAC is no secret.
      spy.calls.length = 0;
      assert.equal(accepts(`${good}A`), false);
      assert.equal(spy.calls.length, 0, `${what}: a MAC of another length is not compared`);
    }
  });
});

describe('constant-time comparison of credentials (source audit)', () => {
  const files = sourceFiles(SOURCE_ROOT);

  it('has no == or != comparison of a secret, hash, signature, MAC or token where credentials are checked', () => {
    const credential = /\b(secret|hash|signature|mac|digest|token|expected|given)\w*\s*(===|!==|==|!=)\s*\w*(secret|hash|signature|mac|digest|token|expected|given)/i;
    const offenders: string[] = [];
    // Where credentials are presented and checked; the provisioning engine's content hashes are not secrets.
    const credentialAreas = ['auth/', 'http/', 'directory/', 'events/', 'admin/', 'lifecycle/'];
    for (const file of files.filter((f) => credentialAreas.some((area) => f.slice(SOURCE_ROOT.length).startsWith(area)))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim().startsWith('//') || line.trim().startsWith('*')) return;
          // Lengths and ids are not secret; comparing them is how the constant-time check is guarded.
          const stripped = line.replace(/\w+\.length\s*[!=]==?\s*\w+\.length/g, '').replace(/\b\w*(Id|Ids|Type|Count|Name|Scope|Prefix)\b/g, '');
          if (credential.test(stripped)) offenders.push(`${file.slice(SOURCE_ROOT.length)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offenders, []);
  });
});

for (const backend of BACKENDS) {
  describe(`credentials refused on the next request (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend, { trustProxy: true, authFailureLimit: 4 });
    });
    after(() => server.close());

    it('refuses an admin secret on the admin API on the next request after it expires or is revoked', async () => {
      const { call } = await adminApi(server);
      const expiring = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'short', lifetimeMs: 60_000, now: server.clock.now });
      const revoked = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'to revoke', lifetimeMs: null, now: server.clock.now });
      for (const { secret } of [expiring, revoked]) assert.equal((await call('GET', '/directories', undefined, secret)).status, 200);
      assert.ok(await server.store.revokeSecret(revoked.record.id, server.clock.now.toISOString()));
      assertProblem(await call('GET', '/directories', undefined, revoked.secret), 401);
      server.clock.now = new Date(server.clock.now.getTime() + 61_000);
      assertProblem(await call('GET', '/directories', undefined, expiring.secret), 401);
      // Refused everywhere else too: SCIM and the token endpoint.
      for (const { secret } of [expiring, revoked]) assert.ok([401, 403].includes((await server.raw('GET', '/Users', { headers: { authorization: `Bearer ${secret}` } })).status));
    });

    it('refuses a directory secret on the admin API and an admin secret on SCIM, including /Bulk and /.search', async () => {
      const dir = await server.createDirectory();
      const { call, secret: admin } = await adminApi(server);
      for (const path of ['/directories', `/directories/${dir.id}`, `/directories/${dir.id}/secrets`, '/status', '/audit', '/admin/secrets']) {
        const response = await call('GET', path, undefined, dir.secret);
        assert.equal(response.status, 403, `${path}: ${response.status}`);
      }
      for (const [method, path] of [['GET', '/Users'], ['POST', '/Users/.search'], ['POST', '/Bulk'], ['GET', '/Groups']]) {
        const response = await server.raw(method, path, { headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/scim+json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
        assertScimError(response, 403);
      }
    });

    it('limits failed authentications per client address: one guessing client is held back, another address and valid clients are not', async () => {
      const dir = await server.createDirectory();
      const from = (address: string, secret: string) => server.raw('GET', '/Users?count=1', { headers: { authorization: `Bearer ${secret}`, 'x-forwarded-for': address } });
      server.clock.now = new Date(server.clock.now.getTime() + 3_600_000);
      for (let i = 0; i < 4; i++) assertScimError(await from('203.0.113.7', generateSecret()), 401);
      assertScimError(await from('203.0.113.7', generateSecret()), 429);
      // The admin API shares the count: the guesser cannot switch endpoints.
      const admin = await server.raw('GET', `${server.origin}/api/v1/directories`, { headers: { authorization: `Bearer ${generateSecret()}`, 'x-forwarded-for': '203.0.113.7' } });
      assert.equal(admin.status, 429, admin.text);
      // Another address guessing is still told 401, not 429; a valid client from anywhere is served.
      assertScimError(await from('198.51.100.9', generateSecret()), 401);
      assertStatus(await from('203.0.113.7', dir.secret), 200);
      assertStatus(await from('198.51.100.9', dir.secret), 200);
    });
  });
}
