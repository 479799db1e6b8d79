import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi, assertOk, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

for (const backend of BACKENDS) {
  describe(`deleting a directory while its identity provider writes (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    before(async () => {
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
    });
    after(() => server.close());

    it('answers every in-flight write with success or a client-retryable error — never 500 — and leaves nothing behind', async () => {
      for (let round = 0; round < 3; round++) {
        const dir = await server.createDirectory(`doomed-${round}`);
        const group = await dir.request('POST', '/Groups', { displayName: 'g' });
        assert.equal(group.status, 201);
        const writes = Array.from({ length: 30 }, (_, i) =>
          i % 2
            ? dir.request('POST', '/Users', { userName: `w${round}-${i}@example.com` })
            : dir.request('PATCH', `/Groups/${group.body.id}`, {
                schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                Operations: [{ op: 'replace', path: 'displayName', value: `g${i}` }],
              }),
        );
        const deletion = call('DELETE', `/directories/${dir.id}?confirm=doomed-${round}`);
        const statuses = (await Promise.all(writes)).map((r) => r.status);
        assertOk(await deletion, 200);
        // 401/404 once the directory is gone, 429 when the refused client keeps trying, 503 when
        // PostgreSQL breaks a lock cycle between the deletion and a write (nothing was written).
        const unexpected = statuses.filter((s) => ![200, 201, 204, 401, 404, 429, 503].includes(s));
        assert.deepEqual(unexpected, [], `statuses: ${statuses.join(',')}`);
        // 429 rather than 401 when the writes above already used up the client's failed attempts.
        assert.ok([401, 429].includes((await dir.request('GET', '/Users')).status));
        assert.equal(await server.store.findDirectory(dir.id), undefined);
      }
    });
  });
}
