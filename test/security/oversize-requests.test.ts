import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/http/limits/server-limits.js';
import { BACKENDS } from '../support/databases.js';
import { assertRawScimError, rawHttp } from '../support/raw-http.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/** What Node's HTTP parser refuses before any route runs still gets an RFC 7644 error body. */
for (const backend of BACKENDS) {
  describe(`requests over the URL and header limits (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend, { limits: { ...DEFAULT_LIMITS, maxUrlLength: 8192 } });
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${dir.secret}\r\n${headers}\r\n`;

    it('answers 414 with a SCIM body to a URL past Node\'s 16 KiB limit', async () => {
      const response = await rawHttp(server.origin, get(`/scim/v2/Users?filter=${'a'.repeat(20_000)}`));
      assertRawScimError(response, 414);
      assert.match(response.body.detail, /POST \.search/);
    });

    it('answers 414 with a SCIM body to a URL over the configured --max-url-length (8 KiB here), before parsing it', async () => {
      const response = await rawHttp(server.origin, get(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${'a'.repeat(10_000)}"`)}`));
      assertRawScimError(response, 414);
    });

    it('answers 431 with a SCIM body to one header, or many headers, past the limit', async () => {
      assertRawScimError(await rawHttp(server.origin, get('/scim/v2/Users', `X-Big: ${'b'.repeat(20_000)}\r\n`)), 431);
      const many = Array.from({ length: 1000 }, (_, i) => `X-Header-${i}: ${'c'.repeat(20)}\r\n`).join('');
      assertRawScimError(await rawHttp(server.origin, get('/scim/v2/Users', many)), 431);
    });

    it('answers 400 with a SCIM body to bytes that are not HTTP', async () => {
      assertRawScimError(await rawHttp(server.origin, 'HELLO THERE\r\n\r\n'), 400);
    });

    it('serves a URL just inside the limit', async () => {
      const filter = encodeURIComponent(`userName eq "${'a'.repeat(7000)}"`);
      const response = await rawHttp(server.origin, get(`/scim/v2/Users?filter=${filter}`, 'Connection: close\r\n'));
      assert.equal(response.status, 200, JSON.stringify(response.body));
    });
  });
}
