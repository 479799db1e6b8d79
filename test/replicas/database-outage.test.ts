import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, postgresAddress, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';

describe('PostgreSQL outage under write load', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: ScimdProcess;
  let store: Store;
  let secret: string;

  before(async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url);
    const directory = await store.createDirectory({ id: 'dir_outage', name: 'outage', created: new Date().toISOString() });
    secret = (await createSecret(store, { directoryId: directory.id, scope: 'scim', name: 't', lifetimeMs: 86_400_000, now: new Date() })).secret;
    const postgres = postgresAddress();
    proxy = new TcpProxy(postgres.host, postgres.port);
    await proxy.start();
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    server = await startScimd(['--db', viaProxy.toString(), '--no-bootstrap']);
  });

  after(async () => {
    await server?.stop();
    await proxy?.stop();
    await store?.close();
    await database?.drop();
  });

  it('answers 503 with Retry-After while the database is cut off, recovers without a restart, and loses no acknowledged write', async () => {
    const acknowledged: string[] = [];
    const statuses: number[] = [];
    let retryAfterSeen = false;
    const create = async (i: number) => {
      const userName = `writer${i}@example.com`;
      const response = await fetch(`${server.url}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName }),
      });
      const body = (await response.json()) as { status: string; schemas: string[] };
      statuses.push(response.status);
      if (response.status === 201) acknowledged.push(userName);
      if (response.status === 503) {
        assert.equal(body.status, '503');
        assert.ok(body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error'));
        retryAfterSeen ||= response.headers.get('retry-after') !== null;
      }
    };

    let i = 0;
    for (; i < 30; i++) await create(i);
    proxy.down();
    for (const end = i + 10; i < end; i++) await create(i);
    proxy.up();
    // Service comes back by itself: keep writing until creates succeed again (bounded generously:
    // only a server that never recovers runs into it).
    const deadline = Date.now() + 120_000;
    let recovered = 0;
    while (recovered < 30 && Date.now() < deadline) {
      const before = acknowledged.length;
      await create(i++);
      if (acknowledged.length > before) recovered++;
    }

    assert.ok(statuses.includes(503), 'requests during the outage get 503');
    assert.ok(retryAfterSeen, '503 responses carry Retry-After');
    assert.ok(!statuses.some((s) => s >= 500 && s !== 503), `no other 5xx: ${statuses.join(',')}`);
    assert.equal(recovered, 30, 'writes succeed again after the database returns');

    const directory = await store.findDirectory('outage');
    const listed = await store.queryResources(directory!.id, 'User', { sortOrder: 'ascending', offset: 0, count: 1000, includeMembership: false, withTotal: true });
    const stored = new Set(listed.resources.map((r) => r.data.userName));
    for (const userName of acknowledged) assert.ok(stored.has(userName), `${userName} was acknowledged and must be stored`);
  });
});
