import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/http/limits/server-limits.js';
import { BACKENDS } from '../support/databases.js';
import { openRawRequest } from '../support/raw-http.js';
import { assertScimError, assertStatus, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

for (const backend of BACKENDS) {
  describe(`per-directory concurrency limit (${backend})`, () => {
    let server: TestServer;
    let busy: TestDirectory;
    let other: TestDirectory;
    before(async () => {
      server = await startTestServer(backend, { limits: { ...DEFAULT_LIMITS, directoryConcurrency: 1, requestTimeoutMs: 600_000, headersTimeoutMs: 600_000 } });
      busy = await server.createDirectory();
      other = await server.createDirectory();
    });
    after(() => server.close());

    it('answers 429 with Retry-After and a SCIM body while a directory has its limit in flight, and serves other directories', async () => {
      // An authenticated request whose body has not arrived yet holds the directory's one slot.
      const user = JSON.stringify({ schemas: [USER_SCHEMA], userName: 'held@example.com' });
      const hold = () => {
        const request = openRawRequest(server.origin, `POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${busy.secret}\r\nContent-Type: application/scim+json\r\nContent-Length: ${user.length}\r\n\r\n${user.slice(0, 5)}`);
        const answered = { status: undefined as number | undefined };
        request.response.then((response) => (answered.status = response.status), () => undefined);
        return { ...request, answered };
      };
      let held = hold();
      const refused = await waitFor('a 429 for the busy directory', async () => {
        const response = await busy.request('GET', '/Users');
        if (response.status === 429) return response;
        // The held request and the first probe arrive together; when the probe took the slot
        // first, the held request was the one refused: hold the slot again.
        if (held.answered.status === 429) held = hold();
        return undefined;
      });
      assertScimError(refused, 429);
      assert.equal(refused.headers.get('retry-after'), '1');
      assertStatus(await other.request('GET', '/Users'), 200);
      held.write(user.slice(5));
      assert.equal((await held.response).status, 201);
      assertStatus(await busy.request('GET', '/Users'), 200);
    });
  });

  describe(`per-directory rate limit (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let other: TestDirectory;
    before(async () => {
      server = await startTestServer(backend, { limits: { ...DEFAULT_LIMITS, directoryRatePerMinute: 3 } });
      dir = await server.createDirectory();
      other = await server.createDirectory();
    });
    after(() => server.close());

    it('answers 429 with Retry-After past the per-minute limit, and admits again once the wait has passed', async () => {
      for (let i = 0; i < 3; i++) assertStatus(await dir.request('GET', '/Users'), 200);
      const refused = await dir.request('GET', '/Users');
      assertScimError(refused, 429);
      // Three a minute: one request back every 20 seconds.
      assert.equal(refused.headers.get('retry-after'), '20');
      assertStatus(await other.request('GET', '/Users'), 200);
      server.clock.now = new Date(server.clock.now.getTime() + 20_000);
      assertStatus(await dir.request('GET', '/Users'), 200);
      assertScimError(await dir.request('GET', '/Users'), 429);
    });
  });
}
