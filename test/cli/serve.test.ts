import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd, scimdJson } from '../support/scimd-cli.js';
import { startScimd } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';
import { withLastCharacterChanged } from '../support/tampered.js';

const SECRET = /scimd_[0-9A-Za-z]{20,}/g;

/** The parts of the banner a newcomer copies: tenant URL, secret and the curl command. */
function readBanner(output: string): { tenantUrl: string; secret: string; curl: string } {
  const tenantUrl = /Tenant URL:\s+(\S+)/.exec(output)?.[1];
  const secret = /Client secret:\s+(\S+)/.exec(output)?.[1];
  const curl = /^\s*(curl .*)$/m.exec(output)?.[1];
  assert.ok(tenantUrl && secret && curl, `the banner shows a tenant URL, a secret and a curl command:\n${output}`);
  return { tenantUrl, secret, curl };
}

/** Sends the request a `curl -H "…" "URL"` line describes, as curl would. */
async function runCurlLine(curl: string): Promise<Response> {
  const header = /-H "([^:"]+):\s*([^"]+)"/.exec(curl);
  const url = /"(https?:\/\/[^"]+)"/.exec(curl)?.[1];
  assert.ok(header && url, `the curl line names a header and a URL: ${curl}`);
  return fetch(url, { headers: { [header[1]]: header[2] } });
}

for (const backend of BACKENDS) {
  describe(`scimd serve (${backend})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(backend);
    });
    after(async () => {
      await database.drop();
    });

    it('on an empty database creates directory "default" and prints its tenant URL, a working secret and a curl', async () => {
      const server = await startScimd(['--db', database.url]);
      try {
        await waitFor('the banner', () => /curl .*\n/.test(server.errors()));
        const banner = readBanner(server.errors());
        assert.equal(banner.tenantUrl, server.url, 'the tenant URL is the address the server listens on');
        assert.match(banner.tenantUrl, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
        assert.match(server.errors(), /directory "default"/);
        assert.ok(!server.output().includes(banner.secret), 'the secret is on stderr only, never on stdout where the log goes');

        const users = await fetch(`${banner.tenantUrl}/Users`, { headers: { authorization: `Bearer ${banner.secret}` } });
        assert.equal(users.status, 200);
        assert.match(users.headers.get('content-type') ?? '', /^application\/scim\+json/);
        const list = (await users.json()) as { totalResults: number; Resources: unknown[] };
        assert.equal(list.totalResults, 0);

        assert.ok(banner.curl.includes(banner.secret) && banner.curl.includes(banner.tenantUrl), 'the curl uses the secret and the URL');
        const viaCurl = await runCurlLine(banner.curl);
        assert.equal(viaCurl.status, 200, 'the printed curl command works as printed');

        const refused = await fetch(`${banner.tenantUrl}/Users`, { headers: { authorization: `Bearer ${withLastCharacterChanged(banner.secret)}` } });
        assert.equal(refused.status, 401);
      } finally {
        assert.equal(await server.stop('SIGTERM'), 0, 'SIGTERM shuts the server down cleanly');
      }

      const directories = await scimdJson<{ id: string; name: string }[]>(['directory', 'list', '--db', database.url]);
      assert.deepEqual(
        directories.map((d) => d.name),
        ['default'],
      );
      const tokens = await scimdJson<{ name: string; state: string }[]>(['token', 'list', 'default', '--db', database.url]);
      assert.equal(tokens.length, 1);
      assert.equal(tokens[0].state, 'active');
    });

    it('a second start on the same database prints no new secret and creates nothing', async () => {
      const server = await startScimd(['--db', database.url]);
      try {
        const health = await fetch(new URL('/healthz', server.url));
        assert.equal(health.status, 200);
      } finally {
        await server.stop();
      }
      assert.match(server.output(), /scimd serving http:\/\/\S+\/scim\/v2 on .*; admin console http:\/\/\S+\//);
      assert.doesNotMatch(server.output() + server.errors(), SECRET, 'no secret is printed');
      assert.doesNotMatch(server.errors(), /Client secret/);
      assert.equal((await scimdJson<unknown[]>(['directory', 'list', '--db', database.url])).length, 1);
      assert.equal((await scimdJson<unknown[]>(['token', 'list', 'default', '--db', database.url])).length, 1);
    });
  });

  describe(`scimd serve --no-bootstrap (${backend})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(backend);
    });
    after(async () => {
      await database.drop();
    });

    it('on an empty database creates no directory and prints no secret', async () => {
      const server = await startScimd(['--db', database.url, '--no-bootstrap']);
      try {
        const anonymous = await fetch(`${server.url}/Users`);
        assert.equal(anonymous.status, 401, 'the server runs, and refuses requests without a secret');
      } finally {
        await server.stop();
      }
      assert.doesNotMatch(server.output() + server.errors(), SECRET);
      assert.deepEqual(await scimdJson(['directory', 'list', '--db', database.url]), []);
    });
  });
}

describe('scimd serve with bad settings', () => {
  it('refuses a port that is not a number, with a message on stderr', async () => {
    const result = await runScimd(['serve', '--port', 'eighty', '--db', ':memory:']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /port must be a non-negative integer, not "eighty"/);
    assert.equal(result.stdout, '');
  });
});

