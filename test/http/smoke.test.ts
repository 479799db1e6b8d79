import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

for (const backend of BACKENDS) {
  describe(`smoke (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    it('creates a user and finds it by a case-insensitive userName filter', async () => {
      const created = await dir.request('POST', '/Users', { userName: 'Alice@Example.com', emails: [{ value: 'a@x.com', type: 'work', primary: true }] });
      assert.equal(created.status, 201);
      const found = await dir.request('GET', '/Users?filter=userName+eq+%22alice@example.com%22');
      assert.equal(found.status, 200);
      assert.equal(found.body.totalResults, 1);
      assert.equal(found.body.Resources[0].id, created.body.id);
      const byEmail = await dir.request('GET', `/Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "A@X.COM"')}`);
      assert.equal(byEmail.body.totalResults, 1);
    });
  });
}
