import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi, assertOk, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MINUTE = 60_000;

for (const backend of BACKENDS) {
  describe(`directory health through a correct rotation (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    const start = new Date();
    before(async () => {
      server = await startTestServer(backend);
      server.clock.now = start;
      ({ call } = await adminApi(server));
    });
    after(() => server.close());

    const scim = (secret: string) => server.raw('GET', '/Users', { headers: { authorization: `Bearer ${secret}` } });
    const health = async (id: string) => {
      await server.app.lifecycle.flush();
      const status = await call('GET', `/directories/${id}/status`);
      assertOk(status);
      return status.body.health as string;
    };

    it('one straggling request with the revoked secret shows rejecting, and the next accepted request with the new one clears it', async () => {
      const dir = await call('POST', '/directories', { name: 'renewal' });
      const old = await call('POST', `/directories/${dir.body.id}/secrets`, { name: 'old' });
      assert.equal((await scim(old.body.secret)).status, 200);
      server.clock.now = new Date(start.getTime() + MINUTE);
      const fresh = await call('POST', `/directories/${dir.body.id}/secrets`, { name: 'new' });
      assert.equal((await scim(fresh.body.secret)).status, 200);
      server.clock.now = new Date(start.getTime() + 2 * MINUTE);
      assertOk(await call('DELETE', `/directories/${dir.body.id}/secrets/${old.body.id}`));
      server.clock.now = new Date(start.getTime() + 3 * MINUTE);
      assert.equal((await scim(old.body.secret)).status, 401, 'a last request still carries the old secret');
      assert.equal(await health(dir.body.id), 'rejecting');
      server.clock.now = new Date(start.getTime() + 4 * MINUTE);
      assert.equal((await scim(fresh.body.secret)).status, 200, 'the identity provider has moved to the new secret');
      assert.equal(await health(dir.body.id), 'healthy');
    });
  });
}
