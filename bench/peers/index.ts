/**
 * The peers scimd is measured against, installed from npm and started on loopback.
 *
 * ```ts
 * import { PEERS, installPeers, startPeer } from './peers/index.js'; // from bench/*.ts
 *
 * await installPeers();                 // all of PEERS, or installPeers(['scimmy'])
 * const peer = await startPeer('jackson');
 * try {
 *   // peer.baseUrl: the SCIM base URL, e.g. http://127.0.0.1:41234/api/scim/v2.0/<directory id>
 *   //               (no trailing slash; append /Users, /Groups, …)
 *   // peer.token:   the bearer secret to send (`authorization: Bearer <token>`), or '' for none
 * } finally {
 *   await peer.stop();
 * }
 * ```
 *
 * - `PEERS`: every peer with its label, pinned npm versions and storage; `PeerName` is `'scimmy' |
 *   'jackson' | 'jackson-postgres' | 'jackson-sqlite' | 'better-auth'`. Jackson runs on its
 *   in-memory engine as `jackson`, and on its SQL engine as the other two, which share its install
 *   and are given a fresh database each (`STANDALONE_PEERS` are the ones that need none).
 * - `installPeers(names?)` npm-installs the pinned versions into `bench/.peers/<install>/` (ignored by
 *   git, never committed). Idempotent: an installed peer costs a file read, a first install one to
 *   three minutes (Jackson is the big one, about 250 MB). Safe to call from two processes at once.
 * - `startPeer(name)` installs it if needed, then starts it in its own child process (a crash or
 *   memory growth in a peer cannot touch the caller) on a free 127.0.0.1 port, with fresh empty
 *   state, and resolves once it answers. `stop()` ends the process (SIGTERM, then SIGKILL after
 *   10 s) and removes anything it wrote.
 *
 * The code that runs each peer is ours (bench/peers/<peer>-server.ts) and loads the peer's
 * packages with a dynamic `import()` of a path computed at run time, so `tsc` and the rest of
 * scimd never need them installed.
 */
import { fileURLToPath } from 'node:url';
import { startServer, type ServerProcess } from '../processes.js';
import { createDatabase, DEFAULT_POSTGRES, type Backend, type BenchDatabase } from '../scimd-server.js';
import { installPeer, PEER_PACKAGES, peerDir, type PeerPackage } from './install.js';
import { jacksonMembers } from './jackson-members.js';

export { PEERS_DIR } from './install.js';

export type PeerName = 'scimmy' | 'jackson' | 'jackson-postgres' | 'jackson-sqlite' | 'better-auth';

export interface PeerInfo {
  name: PeerName;
  /** How tables and reports name it, with its version. */
  label: string;
  /** Its install folder under bench/.peers (Jackson's storage variants share one). */
  install: PeerPackage;
  /** Exact npm versions installed. */
  packages: Readonly<Record<string, string>>;
  /** How it stores data in the bench. */
  storage: string;
  /** A fresh database the peer is given (and that is dropped after it), when it keeps its data in one. */
  database?: Backend;
  /** Whether every write is on disk before the peer answers, as scimd's are. */
  durable: boolean;
}

export const PEERS: readonly PeerInfo[] = [
  { name: 'scimmy', label: 'SCIMMY 1.3.5', install: 'scimmy', packages: PEER_PACKAGES.scimmy, storage: 'in memory (our minimal adapter)', durable: false },
  { name: 'jackson', label: 'Jackson 26.2.0', install: 'jackson', packages: PEER_PACKAGES.jackson, storage: "in memory (Jackson's mem engine)", durable: false },
  {
    name: 'jackson-postgres',
    label: 'Jackson 26.2.0 on PostgreSQL',
    install: 'jackson',
    packages: PEER_PACKAGES.jackson,
    storage: "a fresh PostgreSQL database (Jackson's sql engine through TypeORM and node-postgres, its defaults)",
    database: 'postgres',
    durable: true,
  },
  {
    name: 'jackson-sqlite',
    label: 'Jackson 26.2.0 on SQLite',
    install: 'jackson',
    packages: PEER_PACKAGES.jackson,
    storage: "a SQLite file (Jackson's sql engine through TypeORM and better-sqlite3, its defaults: rollback journal, synchronous FULL)",
    database: 'sqlite',
    durable: true,
  },
  { name: 'better-auth', label: 'better-auth 1.7.5', install: 'better-auth', packages: PEER_PACKAGES['better-auth'], storage: 'SQLite file, WAL, synchronous FULL', durable: true },
];

/** The peers that need nothing but themselves (no database made for them): what a run takes by default. */
export const STANDALONE_PEERS: readonly PeerInfo[] = PEERS.filter((p) => !p.database);

export function isPeerName(name: string): name is PeerName {
  return PEERS.some((p) => p.name === name);
}

/** A peer serving on loopback. */
export interface RunningPeer {
  name: PeerName;
  label: string;
  /** The SCIM base URL, without a trailing slash. */
  baseUrl: string;
  /** The bearer token every request must carry, or '' when the peer needs none. */
  token: string;
  /**
   * A group's member ids read through the app's own API, for a peer whose SCIM answers hide
   * members (Jackson); absent where SCIM shows them.
   */
  membersOf?: (groupId: string) => Promise<string[]>;
  /** Whether every write is on disk before it answers (PeerInfo.durable). */
  durable: boolean;
  /** The peer's process id, to read its memory. */
  pid: number;
  /** Milliseconds from spawn to serving. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Installs the named peers (all of them by default), one after another; see the top of this file. */
export async function installPeers(names: readonly PeerName[] = PEERS.map((p) => p.name), log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  for (const install of new Set(names.map((name) => infoOf(name).install))) await installPeer(install, log);
}

const SERVERS: Record<PeerPackage, string> = {
  scimmy: 'scimmy-server.js',
  jackson: 'jackson-server.js',
  'better-auth': 'better-auth-server.js',
};

/**
 * Starts a peer in a child process with empty state; see the top of this file. A peer that keeps
 * its data in a database gets a fresh one (PostgreSQL's made through `postgres`, an admin URL),
 * passed to its server after the install folder, and dropped when it stops.
 */
export async function startPeer(name: PeerName, options: { log?: (line: string) => void; timeoutMs?: number; postgres?: string } = {}): Promise<RunningPeer> {
  const info = infoOf(name);
  await installPeer(info.install, options.log);
  const script = fileURLToPath(new URL(`./${SERVERS[info.install]}`, import.meta.url));
  const database: BenchDatabase | undefined = info.database ? await createDatabase(info.database, options.postgres ?? DEFAULT_POSTGRES) : undefined;
  let server: ServerProcess;
  try {
    server = await startServer([script, peerDir(info.install), ...(database ? [database.url] : [])], /peer ready (\d+) (\S+) (\S+)/, { timeoutMs: options.timeoutMs ?? 120_000 });
  } catch (error) {
    await database?.drop();
    throw error;
  }
  const [, port, basePath, token] = server.ready;
  const baseUrl = `http://127.0.0.1:${port}${basePath}`;
  return {
    name,
    label: info.label,
    baseUrl,
    token: token === '-' ? '' : token,
    ...(info.install === 'jackson' ? { membersOf: jacksonMembers(baseUrl, token) } : {}),
    durable: info.durable,
    pid: server.pid,
    startupMs: Math.round(server.startupMs),
    stop: async () => {
      try {
        await server.stop();
      } finally {
        await database?.drop();
      }
    },
  };
}

function infoOf(name: PeerName): PeerInfo {
  const info = PEERS.find((p) => p.name === name);
  if (!info) throw new Error(`unknown peer ${name}: one of ${PEERS.map((p) => p.name).join(', ')}`);
  return info;
}
