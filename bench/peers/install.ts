import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Installs the peers from the npm registry into bench/.peers/<peer>/ (ignored by git), one folder
 * per peer because their dependency trees conflict (better-auth pins versions Jackson's tree does
 * not accept). Versions are exact; a folder whose recorded versions match is left alone, so a
 * second call costs a file read. better-auth's SQLite driver is the project's own better-sqlite3
 * (found by walking up from bench/.peers to the root node_modules), so nothing here runs
 * install scripts.
 */

/** bench/.peers in the source tree, whether this file runs from dist/ or a .build-* folder. */
export const PEERS_DIR = fileURLToPath(new URL('../../../bench/.peers/', import.meta.url));

/** Exact npm versions of each peer and of the packages its wrapper loads. */
export const PEER_PACKAGES = {
  scimmy: { scimmy: '1.3.5', 'scimmy-routers': '1.3.2', express: '4.22.3' },
  jackson: { '@boxyhq/saml-jackson': '26.2.0' },
  // @better-auth/scim names exact peer versions of better-auth's own dependencies.
  'better-auth': { 'better-auth': '1.7.5', '@better-auth/scim': '1.7.5', '@better-auth/core': '1.7.5', '@better-auth/utils': '0.4.2', 'better-call': '1.4.0' },
} as const;

/** An install folder under bench/.peers: one per peer package set (Jackson's storage variants share one). */
export type PeerPackage = keyof typeof PEER_PACKAGES;

/** The folder a peer is installed in; its package.json is where the peer's packages resolve from. */
export function peerDir(name: PeerPackage): string {
  return join(PEERS_DIR, name);
}

/** Whether the peer's folder holds exactly the pinned versions. */
export function peerInstalled(name: PeerPackage): boolean {
  const marker = join(peerDir(name), '.installed.json');
  try {
    return readFileSync(marker, 'utf8') === JSON.stringify(PEER_PACKAGES[name]) && existsSync(join(peerDir(name), 'node_modules'));
  } catch {
    return false;
  }
}

/**
 * Installs one peer unless it already is. A lock folder keeps two processes (the bench and the
 * compatibility check, say) from running npm in the same folder at once.
 */
export async function installPeer(name: PeerPackage, log: (line: string) => void = () => undefined): Promise<void> {
  if (peerInstalled(name)) return useProjectNativeDrivers(peerDir(name));
  const dir = peerDir(name);
  mkdirSync(PEERS_DIR, { recursive: true });
  const lock = join(PEERS_DIR, `${name}.lock`);
  await acquire(lock);
  try {
    if (peerInstalled(name)) return;
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, '.installed.json'), { force: true });
    const dependencies = PEER_PACKAGES[name];
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `scimd-bench-peer-${name}`, private: true, dependencies }, null, 2)}\n`);
    log(`installing ${name} (${Object.entries(dependencies).map(([p, v]) => `${p}@${v}`).join(' ')}) into ${dir}`);
    const started = performance.now();
    await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], dir);
    useProjectNativeDrivers(dir);
    writeFileSync(join(dir, '.installed.json'), JSON.stringify(dependencies));
    log(`installed ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Without install scripts a native driver in a peer's tree has no build (Jackson's TypeORM brings
 * better-sqlite3 12 for its SQLite store). Removed, it resolves to the project's own better-sqlite3
 * 12 by walking up from bench/.peers, as better-auth's does.
 */
function useProjectNativeDrivers(dir: string): void {
  const driver = join(dir, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(driver, 'build'))) rmSync(driver, { recursive: true, force: true });
}

function npm(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    // npm on a slow registry can hang; ten minutes is far beyond a normal install (under three).
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm ${args.join(' ')} in ${cwd} failed (${code ?? signal}):\n${stderr}`));
    });
  });
}

/** Takes a lock folder, waiting for another holder; a lock older than 15 minutes is stale. */
async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is held by another install`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
}
