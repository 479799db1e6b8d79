import type { FastifyInstance } from 'fastify';
import { randomId } from '../../src/auth/secret-format.js';
import { createSecret } from '../../src/auth/secrets.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, type Backend, type TestDatabase } from './databases.js';

export interface ScimResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A directory with a working secret, and a client bound to it. */
export interface TestDirectory {
  id: string;
  secret: string;
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ScimResponse<T>>;
}

/** A real scimd HTTP server on a random loopback port, on a fresh database. */
export interface TestServer {
  backend: Backend;
  /** The database the server runs on, for a second replica or a raw look at its rows. */
  databaseUrl: string;
  config: ServerConfig;
  /** `http://127.0.0.1:<port>/scim/v2` */
  baseUrl: string;
  origin: string;
  store: Store;
  app: FastifyInstance;
  /** The clock the server reads; tests move it instead of sleeping. */
  clock: { now: Date };
  createDirectory(name?: string): Promise<TestDirectory>;
  /** A raw request with whatever headers the test gives (no secret added). */
  raw(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<ScimResponse>;
  close(): Promise<void>;
}

/** `wrapStore` lets a fault-demonstration test put a deliberately broken store in front of the real one. */
export async function startTestServer(backend: Backend, overrides: Partial<ServerConfig> = {}, wrapStore: (store: Store) => Store = (store) => store): Promise<TestServer> {
  const database: TestDatabase = await createTestDatabase(backend);
  const config: ServerConfig = { ...DEFAULT_CONFIG, db: database.url, ...overrides };
  const statementTimeoutMs = config.dbStatementTimeoutMs;
  const store = wrapStore(await database.open({ postgres: { statementTimeoutMs }, sqlite: { statementTimeoutMs } }));
  const clock = { now: new Date() };
  const app = await buildApp({ store, config, clock: () => clock.now });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `${origin}/scim/v2`;

  const raw = async (method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<ScimResponse> => {
    const url = path.startsWith('http') ? path : `${baseUrl}${path}`;
    const response = await fetch(url, { method, headers: init.headers ?? {}, ...(init.body !== undefined ? { body: init.body } : {}) });
    const text = await response.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, headers: response.headers, body, text };
  };

  return {
    backend,
    databaseUrl: database.url,
    config,
    baseUrl,
    origin,
    store,
    app,
    clock,
    raw,
    async createDirectory(name = randomId('test')) {
      const directory = await store.createDirectory({ id: randomId('dir'), name, created: clock.now.toISOString() });
      const { secret } = await createSecret(store, { directoryId: directory.id, scope: 'scim', name: 'test', lifetimeMs: 365 * 86_400_000, now: clock.now });
      return {
        id: directory.id,
        secret,
        request: (method, path, body, headers = {}) =>
          raw(method, path, {
            headers: {
              authorization: `Bearer ${secret}`,
              ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
              ...headers,
            },
            ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
          }),
      };
    },
    async close() {
      await app.close();
      await store.close();
      await database.drop();
    },
  };
}
