import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { generateSecret } from '../../src/auth/secret-format.js';
import { createSecret } from '../../src/auth/secrets.js';
import { adminApi, assertProblem } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
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

describe('constant-time comparison of credentials (source audit)', () => {
  // A statistical timing test would be flaky on a shared machine; instead the code paths are checked.
  const files = sourceFiles(SOURCE_ROOT);
  const text = (relative: string) => readFileSync(join(SOURCE_ROOT, relative), 'utf8');

  it('compares secrets by their SHA-256 hash, looked up by hash and checked with timingSafeEqual', () => {
    for (const file of ['auth/secrets.ts', 'auth/admin-secrets.ts']) {
      const source = text(file);
      assert.match(source, /hashSecret\(/, `${file} hashes the presented secret`);
      assert.match(source, /timingSafeEqual\(/, `${file} compares in constant time`);
    }
    assert.match(text('auth/secret-format.ts'), /createHash\('sha256'\)/);
  });

  it('checks every HMAC (access tokens, cursors, webhook signatures) with timingSafeEqual', () => {
    for (const file of ['auth/access-token.ts', 'directory/cursor-codec.ts', 'events/webhook-signature.ts']) {
      assert.match(text(file), /timingSafeEqual\(/, `${file} compares its MAC in constant time`);
    }
  });

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
