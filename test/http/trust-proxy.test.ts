import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { requestLines } from '../support/log-lines.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';

/** What a TLS-terminating proxy such as the nginx example in docs/deploy.md adds. */
const FORWARDED = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'scim.example.com',
  'x-forwarded-for': '203.0.113.7',
  'x-request-id': 'nginx-4f2a9c',
};

for (const backend of BACKENDS) {
  for (const trusted of [true, false]) {
    describe(`scimd serve ${trusted ? 'with --trust-proxy 1 and --public-url' : 'without --trust-proxy'} (${backend})`, () => {
      let database: TestDatabase;
      let server: ScimdProcess;
      let secret: string;

      before(async () => {
        database = await createTestDatabase(backend);
        server = await startScimd(['--db', database.url, '--log-level', 'info', ...(trusted ? ['--trust-proxy', '1', '--public-url', 'https://scim.example.org/'] : [])]);
        await waitFor('the first-start banner', () => /Client secret:\s+\S+/.test(server.errors()));
        secret = /Client secret:\s+(\S+)/.exec(server.errors())![1];
      });
      after(async () => {
        await server.stop();
        await database.drop();
      });

      it(trusted ? 'builds meta.location and Location from --public-url, never from X-Forwarded-Host' : 'ignores X-Forwarded-* in meta.location', async () => {
        const response = await fetch(`${server.url}/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json', ...FORWARDED },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `proxied-${trusted}@example.com` }),
        });
        assert.equal(response.status, 201);
        const user = (await response.json()) as { id: string; meta: { location: string } };
        const expected = trusted ? `https://scim.example.org/scim/v2/Users/${user.id}` : `${server.url}/Users/${user.id}`;
        assert.equal(user.meta.location, expected);
        assert.equal(response.headers.get('location'), expected);
        if (!trusted) assert.match(expected, /^http:\/\/127\.0\.0\.1:/);
      });

      it(trusted ? 'logs the client address from X-Forwarded-For and keeps the proxy’s request id' : 'logs the connecting address and its own request id', async () => {
        const response = await fetch(`${server.url}/Users`, { headers: { authorization: `Bearer ${secret}`, ...FORWARDED } });
        assert.equal(response.status, 200);
        const requestId = response.headers.get('x-request-id')!;
        assert.equal(requestId === FORWARDED['x-request-id'], trusted);
        await waitFor('the request log line', () => requestLines(server.output()).some((line) => line.requestId === requestId));
        const line = requestLines(server.output()).find((l) => l.requestId === requestId)!;
        assert.equal(line.clientIp, trusted ? '203.0.113.7' : '127.0.0.1');
      });
    });
  }
}

