import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encryptor } from '../../../src/auth/encryption.js';
import { newConnection, type ConnectionInput } from '../../../src/provisioning/connections/connection-input.js';
import type { ConnectionRecord } from '../../../src/provisioning/connections/connection.js';
import { decryptCredential } from '../../../src/provisioning/connections/target-client.js';
import { runCycle, type CycleOptions, type CycleReport } from '../../../src/provisioning/engine/run-cycle.js';
import type { ConnectionStore } from '../../../src/provisioning/store/connection-store.js';
import { openConnectionStore } from '../../../src/provisioning/store/open-connection-store.js';
import { createTestDatabase, type Backend, type TestDatabase } from '../../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../../support/test-server.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { FaultProxy } from './fault-proxy.js';
import { targetGroups, targetUsers } from './target-state.js';

/**
 * Everything an engine test needs, all real: a scimd server with a directory as the target (on
 * the backend under test), a fault proxy in front of it, the engine's own database on the same
 * backend, a credential key, and a folder for source files.
 */
export class EngineHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'scimd-engine-'));
  readonly encryptor = new Encryptor(randomBytes(32));
  server!: TestServer;
  directory!: TestDirectory;
  proxy!: FaultProxy;
  /** Between the fault proxy and scimd: cuts every connection on `down()`. */
  tcp!: TcpProxy;
  database!: TestDatabase;
  store!: ConnectionStore;

  constructor(readonly backend: Backend) {}

  static async start(backend: Backend): Promise<EngineHarness> {
    const harness = new EngineHarness(backend);
    harness.server = await startTestServer(backend);
    harness.directory = await harness.server.createDirectory();
    harness.tcp = new TcpProxy('127.0.0.1', Number(new URL(harness.server.origin).port));
    await harness.tcp.start();
    harness.proxy = new FaultProxy(harness.tcp.port);
    await harness.proxy.start();
    harness.database = await createTestDatabase(backend);
    harness.store = await openConnectionStore(harness.database.url);
    return harness;
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** Writes a CSV from a header and rows; values are quoted as needed. */
  csv(name: string, header: string[], rows: (string | number | boolean | null)[][]): string {
    const cell = (v: unknown) => {
      const text = v === null || v === undefined ? '' : String(v);
      return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    return this.file(name, [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n');
  }

  /** A connection to the target through the fault proxy. */
  async connect(name: string, input: ConnectionInput): Promise<ConnectionRecord> {
    const record = newConnection(name, { target: this.proxy.baseUrl, secret: this.directory.secret, ...input }, this.encryptor, new Date());
    await this.store.createConnection(record);
    return record;
  }

  async sync(name: string, options: Partial<CycleOptions> = {}): Promise<CycleReport> {
    const connection = (await this.store.findConnection(name))!;
    return runCycle({
      store: this.store,
      connection,
      credential: decryptCredential(connection, this.encryptor),
      encryptor: this.encryptor,
      clientOptions: { retry: { baseMs: 5, capMs: 50 }, settleMs: 100 },
      ...options,
    });
  }

  /** Every user on the target, by userName. */
  targetUsers(): Promise<Map<string, Record<string, any>>> {
    return targetUsers(this.directory);
  }

  /** Every group on the target, by displayName. */
  targetGroups(): Promise<Map<string, Record<string, any>>> {
    return targetGroups(this.directory);
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.database.drop();
    await this.proxy.stop();
    await this.tcp.stop();
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
