import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configureOutbound, type OutboundSettings } from '../../src/outbound/outbound-settings.js';
import { ResponseTooLargeError } from '../../src/outbound/capped-body.js';
import { HttpTransport } from '../../src/provisioning/client/http-transport.js';
import { adminApi, assertOk, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { endlessPeer, pumpForever, type EndlessPeer } from './support/endless-peer.js';

const MiB = 1024 * 1024;

describe('outbound answers are read up to a size limit', () => {
  let previous: OutboundSettings;
  before(() => (previous = configureOutbound({ maxResponseBytes: 4 * MiB })));
  after(() => configureOutbound(previous));

  it('an endless answer fails with ResponseTooLargeError after about the limit, and the connection is dropped', async () => {
    const peer = await endlessPeer();
    const transport = new HttpTransport({ maxSockets: 2, timeoutMs: 60_000 });
    try {
      await assert.rejects(
        transport.send({ method: 'GET', url: new URL(`${peer.url}/Users`), headers: {}, label: '/Users' }),
        (error: unknown) => error instanceof ResponseTooLargeError && /GET \/Users: the answer is larger than 4 MiB \(--outbound-max-response-bytes\)/.test(error.message),
      );
      // The request was aborted: the peer sees its connection closed instead of writing on forever
      // (it may have written the cap plus what the kernel's socket buffers hold, a few MiB).
      await peer.closed;
      assert.ok(peer.sent() < 64 * MiB, `the peer wrote ${peer.sent()} bytes before the client hung up`);
    } finally {
      transport.close();
      await peer.close();
    }
  });

  it('an answer that announces a Content-Length above the limit fails before its body is read', async () => {
    let wrote = 0;
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * MiB) });
      pumpForever(res, Buffer.alloc(64 * 1024, 'y'), (bytes) => (wrote += bytes));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = new HttpTransport({ maxSockets: 1, timeoutMs: 60_000 });
    try {
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/big`);
      await assert.rejects(transport.send({ method: 'GET', url, headers: {}, label: '/big' }), ResponseTooLargeError);
      assert.ok(wrote < 64 * MiB, `the peer wrote ${wrote} bytes of the 10 GiB it announced`);
    } finally {
      transport.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an answer within the limit arrives whole, over kept-alive connections', async () => {
    const sockets = new Set<unknown>();
    const body = JSON.stringify({ padding: 'z'.repeat(3 * MiB) });
    const server = http.createServer((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = new HttpTransport({ maxSockets: 1, timeoutMs: 60_000 });
    try {
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ok`);
      for (let i = 0; i < 6; i++) assert.equal((await transport.send({ method: 'GET', url, headers: {}, label: '/ok' })).text, body);
      // The pool holds twice the sockets of the requests in flight (so it never queues one the client admitted): six requests one at a time reuse them.
      assert.ok(sockets.size <= 2, `six requests one at a time used ${sockets.size} sockets`);
    } finally {
      transport.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

for (const backend of BACKENDS) {
  describe(`a hostile target that answers without end, on ${backend}`, () => {
    let server: TestServer;
    let call: AdminCall;
    let dir: string;
    let previous: OutboundSettings;
    let peer: EndlessPeer;

    before(async () => {
      previous = configureOutbound({ maxResponseBytes: 2 * MiB });
      dir = mkdtempSync(join(tmpdir(), 'scimd-hostile-'));
      process.env.SCIMD_KEY_FILE = join(dir, 'scimd.key');
      writeFileSync(join(dir, 'users.csv'), 'userName,externalId\nann@acme.com,e1\nben@acme.com,e2\n');
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
      peer = await endlessPeer();
    });
    after(async () => {
      await peer.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      delete process.env.SCIMD_KEY_FILE;
      configureOutbound(previous);
    });

    it('fails the cycle with a clear message, and the server keeps answering', async () => {
      assertOk(await call('POST', '/connections', { name: 'hostile', source: `file:${dir}/users.csv`, target: peer.url, secret: 'scimd_not_checked', schedule: 'off' }), 201);
      const run = await call('POST', '/connections/hostile/run');
      assert.equal(run.body.summary.failed, 2, 'each object failed on its own');
      const log = await call('GET', `/connections/hostile/logs?cycle=${run.body.cycle.id}`);
      assert.equal(log.body.entries.length, 2);
      for (const entry of log.body.entries) assert.match(JSON.stringify(entry), /the answer is larger than 2 MiB \(--outbound-max-response-bytes\); the request was aborted/);
      const health = await server.raw('GET', `${server.origin}/healthz`);
      assert.equal(health.status, 200);
      assertOk(await call('GET', '/connections/hostile'));
    });
  });
}
