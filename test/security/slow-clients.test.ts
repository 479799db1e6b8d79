import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/http/limits/server-limits.js';
import { BACKENDS } from '../support/databases.js';
import { assertRawScimError, rawHttp } from '../support/raw-http.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/** A request that announces a 1000-byte body and sends 10 bytes of it, then nothing. */
const stalledPost = (path: string, authorization?: string) =>
  `POST /scim/v2${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/scim+json\r\nContent-Length: 1000\r\n${authorization ? `Authorization: ${authorization}\r\n` : ''}\r\n{"schemas"`;

for (const backend of BACKENDS) {
  describe(`slow clients (${backend})`, () => {
    describe('with a request timeout far beyond the test', () => {
      let server: TestServer;
      before(async () => {
        // Nothing here may wait for a timeout: each answer must come while the body is still stalled.
        server = await startTestServer(backend, { limits: { ...DEFAULT_LIMITS, requestTimeoutMs: 600_000, headersTimeoutMs: 600_000 } });
      });
      after(() => server.close());

      it('answers 401 at once to a stalled body without a credential: authentication comes before the body', async () => {
        for (const path of ['/Users', '/Groups', '/Users/.search', '/Bulk']) {
          const response = await rawHttp(server.origin, stalledPost(path));
          assertRawScimError(response, 401);
          assert.match(response.headers['www-authenticate'], /^Bearer/);
        }
      });

      it('answers 401 at once to a stalled body with an unknown secret', async () => {
        const response = await rawHttp(server.origin, stalledPost('/Users', 'Bearer scimd_notarealsecret'));
        assertRawScimError(response, 401);
      });
    });

    describe('with small timeouts', () => {
      let server: TestServer;
      let dir: TestDirectory;
      before(async () => {
        server = await startTestServer(backend, { limits: { ...DEFAULT_LIMITS, requestTimeoutMs: 300, headersTimeoutMs: 300 } });
        dir = await server.createDirectory();
      });
      after(() => server.close());

      it('cuts an authenticated request whose body stalls at the request timeout, with a SCIM 408', async () => {
        const response = await rawHttp(server.origin, stalledPost('/Users', `Bearer ${dir.secret}`));
        assertRawScimError(response, 408);
        assert.equal((await dir.request('GET', '/Users')).body.totalResults, 0);
      });

      it('cuts a request whose headers never end with a SCIM 408', async () => {
        const response = await rawHttp(server.origin, 'GET /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
        assertRawScimError(response, 408);
      });

      it('still serves ordinary requests', async () => {
        assert.equal((await dir.request('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'quick@example.com' })).status, 201);
      });
    });
  });
}
