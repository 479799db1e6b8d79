import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/** The security headers of the console and of API answers, success and error alike. */
describe('security headers (console and API)', () => {
  let folder: string;
  let server: TestServer;
  let dir: TestDirectory;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'scimd-headers-'));
    await mkdir(join(folder, 'assets'));
    await writeFile(join(folder, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/index-AbC123xY.js"></script>');
    await writeFile(join(folder, 'assets', 'index-AbC123xY.js'), 'console.log(1)');
    const previous = process.env.SCIMD_CONSOLE_DIR;
    process.env.SCIMD_CONSOLE_DIR = folder;
    try {
      server = await startTestServer('sqlite');
    } finally {
      if (previous === undefined) delete process.env.SCIMD_CONSOLE_DIR;
      else process.env.SCIMD_CONSOLE_DIR = previous;
    }
    dir = await server.createDirectory();
  });
  after(async () => {
    await server?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('the console page: CSP without inline script, no framing, nosniff, no referrer, not cached; no HSTS over plain HTTP', async () => {
    const page = await server.raw('GET', `${server.origin}/`);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.equal(page.headers.get('strict-transport-security'), null, 'HSTS is meaningless, and ignored, over plain HTTP');
  });

  it('API answers, successful or refused, carry nosniff', async () => {
    const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'headers@example.com' });
    assert.equal(created.status, 201);
    const answers = [
      created,
      await dir.request('GET', '/Users?filter=userName%20eq'),
      await server.raw('GET', '/Users'),
      await server.raw('GET', `${server.origin}/api/v1/directories`, { headers: { authorization: `Bearer ${dir.secret}` } }),
      await server.raw('GET', `${server.origin}/healthz`),
    ];
    assert.deepEqual(answers.map((a) => a.status), [201, 400, 401, 403, 200]);
    for (const answer of answers) assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', `${answer.status} ${answer.text.slice(0, 100)}`);
  });
});

describe('security headers over TLS', () => {
  let folder: string;
  let server: TestServer;
  let cert: string;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'scimd-hsts-'));
    const [keyFile, certFile] = [join(folder, 'server.key'), join(folder, 'server.crt')];
    // prettier-ignore
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    cert = readFileSync(certFile, 'utf8');
    server = await startTestServer('sqlite', { tlsCert: certFile, tlsKey: keyFile });
  });
  after(async () => {
    await server?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('sends HSTS and nosniff on every answer', async () => {
    assert.match(server.origin, /^https:/);
    for (const path of ['/healthz', '/scim/v2/Users', '/api/v1/directories']) {
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        httpsGet(`${server.origin}${path}`, { ca: [cert] }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.headers));
        }).on('error', reject);
      });
      assert.equal(headers['strict-transport-security'], 'max-age=31536000', path);
      assert.equal(headers['x-content-type-options'], 'nosniff', path);
    }
  });
});
