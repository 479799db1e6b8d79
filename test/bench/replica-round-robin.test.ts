import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runOperation } from '../../bench/load.js';
import { parseOptions } from '../../bench/options.js';

/** A server that answers 200 and counts what it was sent. */
async function countingServer(): Promise<{ server: Server; port: number; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, paths };
}

describe('Bench replicas mode', () => {
  let replicas: Awaited<ReturnType<typeof countingServer>>[];
  before(async () => {
    replicas = [await countingServer(), await countingServer()];
  });
  after(() => Promise.all(replicas.map((r) => new Promise((resolve) => r.server.close(resolve)))));

  it('sends each loop’s requests to the replicas in turn, one in flight per loop', async () => {
    const result = await runOperation(
      { host: '127.0.0.1', port: replicas[0].port, ports: replicas.map((r) => r.port), headers: {}, checkBodies: true },
      { name: 'spread', connections: 1, requests: 10, maxSeconds: 30, next: (i) => ({ request: { method: 'GET', path: `/r/${i}` }, expectStatus: 200 }) },
    );
    assert.equal(result.errors, 0);
    assert.deepEqual(replicas[0].paths, ['/r/0', '/r/2', '/r/4', '/r/6', '/r/8']);
    assert.deepEqual(replicas[1].paths, ['/r/1', '/r/3', '/r/5', '/r/7', '/r/9']);
  });

  it('--replicas adds the postgres-replicas target with that many servers', () => {
    const options = parseOptions(['--targets', 'sqlite,postgres', '--replicas', '3'])!;
    assert.deepEqual(options.targets, ['sqlite', 'postgres', 'postgres-replicas']);
    assert.equal(options.replicas, 3);
    assert.equal(parseOptions(['--targets', 'postgres-replicas'])!.replicas, 2);
    assert.throws(() => parseOptions(['--replicas', '1']), /2 or more/);
  });
});
