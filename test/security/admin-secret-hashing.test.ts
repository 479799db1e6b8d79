import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setUpAdminSecret } from '../../src/admin/admin-bootstrap.js';
import { newSecret } from '../../src/auth/secrets.js';
import { slowHash, verifySlowHash } from '../../src/auth/slow-hash.js';
import { adminApi, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { querySql, runSql } from '../support/raw-sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('scrypt hashes of chosen secrets', () => {
  it('are salted, carry their parameters and verify only their own text', async () => {
    const [first, second] = [await slowHash('correct horse battery staple, long enough'), await slowHash('correct horse battery staple, long enough')];
    assert.notEqual(first, second, 'a fresh salt each time');
    assert.match(first, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.equal(await verifySlowHash('correct horse battery staple, long enough', first), true);
    assert.equal(await verifySlowHash('correct horse battery staple, long enougH', first), false);
    assert.equal(await verifySlowHash('anything', 'scrypt$1$1$1$x$y'), false, 'a malformed hash matches nothing');
  });
});

for (const backend of BACKENDS) {
  describe(`operator-chosen admin secrets are stored salted and slow (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    before(async () => {
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
    });
    after(() => server.close());

    const storedHash = async (id: string) => (await querySql<{ hash: string }>(server.databaseUrl, 'SELECT hash FROM secrets WHERE id = $1', [id]))[0].hash;
    const asAdmin = (secret: string) => call('GET', '/directories', undefined, secret);

    it('SCIMD_ADMIN_SECRET is kept as scrypt, never as its SHA-256, and opens the admin API', async () => {
      const chosen = 'operator-chose-this-admin-secret-0001';
      const setup = await setUpAdminSecret(server.store, { environmentSecret: chosen, bootstrap: false, now: server.clock.now, lifetimeMs: null });
      assert.equal(setup.kind, 'from-environment');
      const hash = await storedHash((setup as { id: string }).id);
      assert.match(hash, /^scrypt\$/);
      const everything = JSON.stringify(await querySql(server.databaseUrl, 'SELECT * FROM secrets'));
      assert.ok(!everything.includes(sha256(chosen)), 'no unsalted digest of the secret is stored');
      assert.equal((await asAdmin(chosen)).status, 200);
      assert.equal((await asAdmin(`${chosen.slice(0, -1)}2`)).status, 401);
      const again = await setUpAdminSecret(server.store, { environmentSecret: chosen, bootstrap: false, now: server.clock.now, lifetimeMs: null });
      assert.deepEqual(again, setup, 'a restart finds the registered secret instead of adding another');
    });

    it('an old SHA-256 row still verifies, and is re-hashed with scrypt on that use', async () => {
      const chosen = 'operator-chose-this-admin-secret-0002';
      const legacy = newSecret({ directoryId: null, scope: 'admin', name: 'SCIMD_ADMIN_SECRET', lifetimeMs: null, now: server.clock.now }, chosen).record;
      await server.store.insertSecret(legacy);
      assert.equal(await storedHash(legacy.id), sha256(chosen));
      assert.equal((await asAdmin(chosen)).status, 200);
      assert.match(await storedHash(legacy.id), /^scrypt\$/);
      assert.equal((await asAdmin(chosen)).status, 200);
    });

    it('after one verification the admin API skips scrypt, and a revocation still ends the secret at once', async () => {
      const chosen = 'operator-chose-this-admin-secret-0003';
      const setup = (await setUpAdminSecret(server.store, { environmentSecret: chosen, bootstrap: false, now: server.clock.now, lifetimeMs: null })) as { id: string };
      assert.equal((await asAdmin(chosen)).status, 200);
      // With the stored hash made unusable, only the verified-secret cache can still accept it.
      await runSql(server.databaseUrl, 'UPDATE secrets SET hash = $1 WHERE id = $2', ['scrypt$16384$8$1$AAAA$AAAA', setup.id]);
      assert.equal((await asAdmin(chosen)).status, 200, 'no second scrypt per request');
      assert.equal((await call('DELETE', `/admin/secrets/${setup.id}`)).status, 200);
      assert.equal((await asAdmin(chosen)).status, 401, 'revoked: refused from the next request on');
    });
  });
}
