import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';

/** Resolves true when a TCP connection to the port is accepted, false when it is refused. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a POST whose headers reach the server (it answers `100 Continue`) but whose body is
 * held back until `release` is called: a request the server is provably in the middle of.
 */
function startHeldRequest(url: string, secret: string, body: string) {
  const req = request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
  const headersReceived = new Promise<void>((resolve, reject) => {
    req.on('continue', resolve);
    req.on('error', reject);
  });
  // The client never closes its keep-alive connection itself: only the server can.
  const connectionClosed = new Promise<void>((resolve) => req.on('socket', (socket) => socket.once('close', () => resolve())));
  req.flushHeaders();
  return { headersReceived, release: () => req.end(body), response, connectionClosed };
}

for (const backend of BACKENDS) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    describe(`scimd serve on ${signal} (${backend})`, () => {
      let database: TestDatabase;
      before(async () => {
        database = await createTestDatabase(backend);
      });
      after(async () => {
        await database.drop();
      });

      it('stops accepting connections, completes the request in flight, closes the idle keep-alive connection and exits 0', { timeout: 180_000 }, async () => {
        // A shutdown timeout far beyond any wait here: exiting 0 then means it stopped by itself.
        const server = await startScimd(['--db', database.url, '--log-level', 'info', '--shutdown-timeout', '600000']);
        let secret = '';
        const userName = `in-flight-${signal}@example.com`;
        try {
          await waitFor('the first-start banner', () => /Client secret:\s+\S+/.test(server.errors()));
          secret = /Client secret:\s+(\S+)/.exec(server.errors())![1];
          const port = Number(new URL(server.url).port);
          const held = startHeldRequest(`${server.url}/Users`, secret, JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName }));
          await held.headersReceived;

          const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
          server.child.kill(signal);
          await waitFor('the port to close', async () => !(await accepts(port)));

          held.release();
          const response = await held.response;
          assert.equal(response.status, 201, `the in-flight request completes: ${response.text}`);
          assert.equal(JSON.parse(response.text).userName, userName);
          // Had it waited for the client to close its keep-alive connection, it would wait forever
          // (here: ten minutes, then exit 1). It closes the idle connection and exits 0 instead.
          await held.connectionClosed;
          assert.equal(await exited, 0, 'the process exits 0');
          assert.match(server.output(), /"msg":"stopped"/, 'the store was closed and the stop logged');
        } finally {
          await server.stop('SIGKILL');
        }

        const again = await startScimd(['--db', database.url]);
        try {
          const filter = encodeURIComponent(`userName eq "${userName}"`);
          const list = await fetch(`${again.url}/Users?filter=${filter}`, { headers: { authorization: `Bearer ${secret}` } });
          assert.equal(((await list.json()) as { totalResults: number }).totalResults, 1, 'the user written while stopping was committed');
        } finally {
          await again.stop();
        }
      });
    });
  }

  describe(`scimd serve's signal handlers (${backend})`, () => {
    let database: TestDatabase;
    let dir = '';
    before(async () => {
      database = await createTestDatabase(backend);
      dir = await mkdtemp(join(tmpdir(), 'scimd-signal-order-'));
    });
    after(async () => {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('are installed before the line supervisors wait for, so a SIGTERM sent on reading it shuts down cleanly', async () => {
      // A preload that reports, at the moment "scimd serving" is written, how many SIGTERM listeners
      // exist: with none, a SIGTERM sent on reading the line ends the process by the OS default.
      const probe = join(dir, 'signal-probe.mjs');
      await writeFile(
        probe,
        `const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (String(chunk).startsWith('scimd serving')) process.stderr.write('SIGTERM listeners at the serving line: ' + process.listenerCount('SIGTERM') + '\\n');
  return write(chunk, ...rest);
};
`,
      );
      const server = await startScimd(['--db', database.url, '--no-bootstrap'], { NODE_OPTIONS: `--import ${pathToFileURL(probe).href}` });
      try {
        assert.match(server.errors(), /SIGTERM listeners at the serving line: [1-9]/);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    });
  });
}
