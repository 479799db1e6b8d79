import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { announceReady, importPeerPackage, peerFolderArgument, type Loose } from './peer-package.js';

/**
 * better-auth 1.7.5 with @better-auth/scim 1.7.5, set up as its documentation says: `betterAuth`
 * with the `scim` plugin and one code-defined connection holding a static bearer credential,
 * better-auth's migrations run on a fresh SQLite file, served by better-auth's own Node handler
 * (`toNodeHandler`). The SQLite file is opened as scimd opens its own (WAL, synchronous FULL), so
 * both write durably, and removed when the peer stops. Runs as a child process of the bench
 * (bench/peers/index.ts).
 */
const folder = peerFolderArgument();
const { betterAuth }: Loose = await importPeerPackage(folder, 'better-auth');
const { getMigrations }: Loose = await importPeerPackage(folder, 'better-auth/db/migration');
const { toNodeHandler }: Loose = await importPeerPackage(folder, 'better-auth/node');
const { scim }: Loose = await importPeerPackage(folder, '@better-auth/scim');

const dir = mkdtempSync(join(tmpdir(), 'scimd-bench-better-auth-'));
const database = new Database(join(dir, 'better-auth.db'));
database.pragma('journal_mode = WAL');
database.pragma('synchronous = FULL');

const token = randomBytes(24).toString('base64url');
const server = http.createServer();
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const auth: Loose = betterAuth({
  database,
  secret: randomBytes(32).toString('hex'),
  baseURL: `http://127.0.0.1:${port}`,
  logger: { level: 'error' },
  telemetry: { enabled: false },
  plugins: [scim({ connections: [{ id: 'bench', credentials: [{ type: 'bearer', id: 'bench-credential', token }] }] })],
});
const { runMigrations }: Loose = await getMigrations(auth.options);
await runMigrations();

server.on('request', toNodeHandler(auth));
server.keepAliveTimeout = 60_000;
announceReady(port, '/api/auth/scim/v2', token, () => {
  server.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});
