import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { TestServer } from './test-server.js';

/** A second scimd app on a test server's database, with the same clock. */
export interface Replica {
  origin: string;
  baseUrl: string;
  app: FastifyInstance;
  store: Store;
  /** Closes the app (which flushes its buffered activity) and its connection. */
  close(): Promise<void>;
}

/**
 * On PostgreSQL the replica has its own connection pool, so its transactions truly interleave
 * with the server's. On SQLite it shares the server's connection: better-sqlite3 waits for a
 * lock synchronously, so two connections in one process deadlock until the busy timeout when
 * one waits while the other's transaction is parked at an `await`. Separate processes (real
 * replicas) do not have that problem; test/replicas runs those.
 */
export async function startReplica(server: TestServer, wrapStore: (store: Store) => Store = (store) => store): Promise<Replica> {
  const ownStore = server.backend === 'postgres';
  const store = ownStore ? wrapStore(await openStore(server.databaseUrl)) : server.store;
  const app = await buildApp({ store, config: server.config, clock: () => server.clock.now });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  let closed = false;
  return {
    origin,
    baseUrl: `${origin}/scim/v2`,
    app,
    store,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (ownStore) await store.close();
    },
  };
}

/** The other writer a secret-cache test revokes through, and the replica when there is one. */
export interface OtherWriter {
  store: Store;
  replica?: Replica;
  close(): Promise<void>;
}

/**
 * A second server on PostgreSQL; on SQLite a second connection to the file, which stands for
 * another process (its commits move data_version for the server's connection).
 */
export async function startOtherWriter(server: TestServer): Promise<OtherWriter> {
  if (server.backend === 'postgres') {
    const replica = await startReplica(server);
    return { store: replica.store, replica, close: () => replica.close() };
  }
  const store = await openStore(server.databaseUrl);
  return { store, close: () => store.close() };
}
