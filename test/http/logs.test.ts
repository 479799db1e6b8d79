import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateSecret } from '../../src/auth/secret-format.js';
import { createSecret } from '../../src/auth/secrets.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { logLines, requestLines } from '../support/log-lines.js';
import { runScimd, scimdJson } from '../support/scimd-cli.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';
import { withLastCharacterChanged } from '../support/tampered.js';

const USER = 'schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]';
/** A userName that must never reach the log, though it is sent in bodies and filters. */
const PERSON = 'grace.hopper.logs@example.com';

for (const backend of BACKENDS) {
  describe(`scimd serve logs (${backend})`, () => {
    let database: TestDatabase;
    let server: ScimdProcess;
    /** Every secret this test created or sent, by what it is. */
    const secrets: Record<string, string> = {};
    let directoryId: string;
    let exitCode: number | null;
    /** Request ids and what each request expects to be logged as. */
    const expected: { requestId: string; method: string; route: string; status: number; directory: boolean }[] = [];

    /** Sends a request and notes how it must be logged; `directory`: whether authentication named one (default: when it succeeded). */
    const send = async (method: string, path: string, secret: string | undefined, body?: string, route = path.split('?')[0], directory?: boolean) => {
      const origin = new URL(server.url).origin;
      const response = await fetch(path.startsWith('/scim') || path.startsWith('/metrics') || path.startsWith('/healthz') ? `${origin}${path}` : `${server.url}${path}`, {
        method,
        headers: {
          ...(secret ? { authorization: `Bearer ${secret}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        },
        body,
      });
      const text = await response.text();
      const requestId = response.headers.get('x-request-id');
      assert.ok(requestId, 'every response carries X-Request-Id');
      expected.push({ requestId, method, route: route.startsWith('/scim') || route.startsWith('/metrics') ? route : `/scim/v2${route}`, status: response.status, directory: directory ?? response.status < 400 });
      return { status: response.status, text };
    };

    before(async () => {
      database = await createTestDatabase(backend);
      server = await startScimd(['--db', database.url, '--log-level', 'debug']);
      await waitFor('the first-start banner', () => /Client secret:\s+\S+/.test(server.errors()));
      secrets.bootstrap = /Client secret:\s+(\S+)/.exec(server.errors())![1];

      secrets.adminBootstrap = /Admin secret:\s+(\S+)/.exec(server.errors())?.[1] ?? '';
      assert.ok(secrets.adminBootstrap, 'the first start also prints an admin secret');

      // Directory "default" holds the bootstrap secret and one from the CLI (two active, the default limit).
      const db = ['--db', database.url];
      const fresh = await scimdJson<{ id: string; secret: string; directory: string }>(['token', 'create', 'default', '--name', 'Entra', ...db]);
      secrets.cli = fresh.secret;
      directoryId = fresh.directory;
      // Directory "other": a revoked secret, a working one made through the admin API, and one that lapses in a second.
      await scimdJson(['directory', 'create', 'other', ...db]);
      const revoked = await scimdJson<{ id: string; secret: string }>(['token', 'create', 'other', '--name', 'old', ...db]);
      secrets.revoked = revoked.secret;
      assert.equal((await runScimd(['token', 'revoke', revoked.id, '--force', ...db])).code, 0);
      const origin = new URL(server.url).origin;
      const remote = await runScimd(['token', 'create', 'other', '--url', origin, '--json'], { SCIMD_ADMIN_SECRET: secrets.adminBootstrap });
      assert.equal(remote.code, 0, remote.stderr);
      secrets.viaAdminApi = (JSON.parse(remote.stdout) as { secret: string }).secret;
      // Secrets live at least an hour when made by the CLI or API; this one is written to the store directly.
      const store = await database.open();
      try {
        const directory = await store.findDirectory('other');
        secrets.expiring = (await createSecret(store, { directoryId: directory!.id, scope: 'scim', name: 'lapsing', lifetimeMs: 1000, now: new Date() })).secret;
      } finally {
        await store.close();
      }
      secrets.admin = (await scimdJson<{ secret: string }>(['admin', 'token', 'create', '--name', 'prometheus', ...db])).secret;
      secrets.unknown = generateSecret();

      // Successful requests.
      const created = await send('POST', '/Users', secrets.cli, `{"${USER},"userName":"${PERSON}"}`, '/Users', true);
      assert.equal(created.status, 201, created.text);
      const id = JSON.parse(created.text).id as string;
      assert.equal((await send('GET', `/Users/${id}`, secrets.bootstrap, undefined, '/Users/:id', true)).status, 200);
      assert.equal((await send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${PERSON}"`)}`, secrets.cli, undefined, '/Users', true)).status, 200);
      assert.equal((await send('GET', '/Groups', secrets.viaAdminApi, undefined, '/Groups', true)).status, 200);
      assert.equal((await send('GET', '/metrics', secrets.admin, undefined, '/metrics', false)).status, 200);

      // Failing requests.
      assert.equal((await send('GET', '/Users', secrets.unknown)).status, 401);
      assert.equal((await send('GET', '/Users', secrets.revoked)).status, 401);
      assert.equal((await send('GET', '/Users', secrets.admin)).status, 403);
      assert.equal((await send('GET', '/Users', withLastCharacterChanged(secrets.cli))).status, 401);
      assert.equal((await send('GET', '/metrics', secrets.cli)).status, 403);
      assert.equal((await send('POST', '/Users', secrets.cli, `{"${USER},"userName":"${secrets.cli}`, '/Users')).status, 400, 'a truncated body holding a secret');
      assert.equal((await send('PATCH', `/Users/${id}`, secrets.cli, '{"Operations": [', '/Users/:id')).status, 400);
      assert.equal((await send('PATCH', `/Users/${id}`, secrets.cli, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"frobnicate","path":"userName","value":"${secrets.viaAdminApi}"}]}`, '/Users/:id', true)).status, 400);
      assert.equal((await send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${secrets.bootstrap}" and`)}`, secrets.cli, undefined, '/Users', true)).status, 400);
      // The expiring secret works, then lapses.
      await waitFor('the one-second secret to expire', async () => (await send('GET', '/Users', secrets.expiring)).status === 401, { intervalMs: 200 });

      exitCode = await server.stop('SIGTERM');
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
    });

    it('exits 0 on SIGTERM after the traffic', () => {
      assert.equal(exitCode, 0);
    });

    it('no secret the test created or sent appears anywhere in the log stream', () => {
      const log = server.output();
      assert.ok(log.length > 1000, 'the process did log');
      for (const [what, secret] of Object.entries(secrets)) {
        assert.ok(!log.includes(secret), `the ${what} secret is not in the log`);
        assert.ok(!log.includes(secret.slice(6, 30)), `no part of the ${what} secret's random body is in the log`);
      }
      assert.ok(!log.includes('Bearer'), 'no Authorization header is logged');
    });

    it('the banners, on stderr, hold the two first-start secrets and no other', () => {
      for (const [what, secret] of Object.entries(secrets)) {
        if (what !== 'bootstrap' && what !== 'adminBootstrap') assert.ok(!server.errors().includes(secret), `the ${what} secret is not on stderr`);
      }
      assert.equal(server.errors().split(secrets.bootstrap).length - 1, 2, 'the banner shows the secret and a curl using it, once each');
    });

    it('no personal data from bodies or filters appears in the log', () => {
      assert.ok(!server.output().includes(PERSON));
      assert.ok(!server.output().includes('grace.hopper'));
      assert.ok(!server.output().includes('filter'), 'query strings are not logged');
    });

    it('every line on stdout but the "scimd serving" line is JSON', () => {
      assert.ok(logLines(server.output()).length > 0);
    });

    it('logs one line per request: method, route pattern, status, duration, request id, and the directory once known', () => {
      const lines = requestLines(server.output());
      for (const request of expected) {
        const found = lines.filter((line) => line.requestId === request.requestId);
        assert.equal(found.length, 1, `one line for ${request.method} ${request.route} (${request.requestId})`);
        const line = found[0];
        assert.equal(line.method, request.method);
        assert.equal(line.route, request.route);
        assert.equal(line.status, request.status);
        assert.equal(typeof line.durationMs, 'number');
        assert.equal(line.clientIp, '127.0.0.1');
        if (request.directory) assert.match(String(line.directoryId), /^dir_/, `${request.method} ${request.route} ${request.status} names its directory`);
      }
      const read = lines.find((line) => line.route === '/scim/v2/Users/:id' && line.method === 'GET');
      assert.equal(read?.directoryId, directoryId, 'the directory is the one the secret opens');
      const adminApi = lines.filter((line) => String(line.route).startsWith('/api/v1/'));
      assert.equal(adminApi.length, 1, 'the remote "token create" made one admin API request');
      assert.equal(adminApi[0].status, 201);
      assert.equal(lines.length, expected.length + 1, 'no other request lines');
    });
  });
}

