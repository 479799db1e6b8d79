import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminApi, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const BODY_LIMIT = 4096;

for (const backend of BACKENDS) {
  describe(`error texts an operator can act on (${backend})`, () => {
    let server: TestServer;
    let secret: string;
    let adminSecret: string;
    let call: AdminCall;
    before(async () => {
      server = await startTestServer(backend, { bodyLimit: BODY_LIMIT });
      secret = (await server.createDirectory()).secret;
      ({ call, secret: adminSecret } = await adminApi(server));
    });
    after(() => server.close());

    const post = (body: string, contentType: string) =>
      server.raw('POST', '/Users', { body, headers: { authorization: `Bearer ${secret}`, 'content-type': contentType } });

    for (const contentType of ['application/scim+json', 'application/json']) {
      it(`malformed JSON sent as ${contentType} gets one SCIM 400 invalidSyntax naming where it breaks`, async () => {
        const response = await post('{"userName":"a",\n  }', contentType);
        assert.equal(response.status, 400);
        assert.equal(response.body.scimType, 'invalidSyntax');
        assert.equal(response.body.detail, 'The body is not valid JSON: the syntax breaks at position 19 (line 2, column 3)');
      });
    }

    it('a body that stops short says so, with the position of its end', async () => {
      const response = await post('{"userName": [', 'application/scim+json');
      assert.equal(response.status, 400);
      assert.equal(response.body.detail, 'The body is not valid JSON: it ends too early, at position 14 (line 1, column 15)');
    });

    it('the admin API names the position too', async () => {
      const origin = new URL(server.baseUrl).origin;
      const response = await fetch(`${origin}/api/v1/directories`, { method: 'POST', headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' }, body: '{"name": x}' });
      assert.equal(response.status, 400);
      const body = (await response.json()) as { detail: string };
      assert.match(body.detail, /syntax breaks at position 9 \(line 1, column 10\)/);
      void call;
    });

    it('a 413 names the limit and --body-limit', async () => {
      const response = await post(JSON.stringify({ userName: 'x'.repeat(BODY_LIMIT) }), 'application/scim+json');
      assert.equal(response.status, 413);
      assert.match(response.body.detail, /4096 bytes/);
      assert.match(response.body.detail, /--body-limit/);
    });
  });
}
