import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type Backend, type TestDatabase } from '../../support/databases.js';
import type { CliResult } from '../../support/scimd-cli.js';
import { CLI } from '../../support/scimd-process.js';
import { startTestServer, type TestDirectory, type TestServer } from '../../support/test-server.js';
import { FaultProxy } from './fault-proxy.js';
import { targetGroups, targetUsers } from './target-state.js';

/** A `scimd serve` on the engine database, reached with `--url` and an admin secret. */
export interface RemoteAdmin {
  url: string;
  adminSecret: string;
}

/**
 * For tests of the engine through its command line: a scimd target server (behind a recording
 * proxy), a fresh engine database on the backend under test, a key file, and `run()`, which
 * starts the real CLI as a child process, optionally with text on standard input.
 */
export class CliHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'scimd-engine-cli-'));
  server!: TestServer;
  directory!: TestDirectory;
  proxy!: FaultProxy;
  database!: TestDatabase;

  static async start(backend: Backend): Promise<CliHarness> {
    const h = new CliHarness();
    h.server = await startTestServer(backend);
    h.directory = await h.server.createDirectory();
    h.proxy = new FaultProxy(Number(new URL(h.server.origin).port));
    await h.proxy.start();
    h.database = await createTestDatabase(backend);
    return h;
  }

  get env(): NodeJS.ProcessEnv {
    // The source files live in this folder, not beside the engine database (the default source folder).
    return { SCIMD_KEY_FILE: join(this.dir, 'scimd.key'), SCIMD_SOURCE_DIR: this.dir };
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /**
   * Runs `scimd <args> --db <engine database>`, or with `remote`, `scimd <args> --url <server>`
   * with the admin secret in SCIMD_ADMIN_SECRET; never throws on a non-zero exit.
   */
  run(args: string[], options: { input?: string; timeoutMs?: number; remote?: RemoteAdmin } = {}): Promise<CliResult> {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMD_')));
    const where = options.remote ? ['--url', options.remote.url] : ['--db', this.database.url];
    const env = { ...inherited, ...this.env, ...(options.remote ? { SCIMD_ADMIN_SECRET: options.remote.adminSecret } : {}) };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args, ...where], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  }

  /** Like run, with --json, and the parsed document; fails on a non-zero exit. */
  async json<T = any>(args: string[], options: { input?: string; remote?: RemoteAdmin } = {}): Promise<T> {
    const result = await this.run([...args, '--json'], options);
    if (result.code !== 0) throw new Error(`scimd ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
    return JSON.parse(result.stdout) as T;
  }

  async userCount(): Promise<number> {
    return (await this.directory.request('GET', '/Users?count=0')).body.totalResults;
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
    await this.proxy.stop();
    await this.server.close();
    await this.database.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
