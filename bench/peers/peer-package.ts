import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A peer's package as loaded at run time. The peers are not dependencies of scimd (they live in
 * bench/.peers, installed by the bench), so `tsc` never sees their types: this is the one place
 * where their API is typed loosely, and each wrapper checks what it uses.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/**
 * Imports `specifier` as resolved from the peer's folder (`bench/.peers/<peer>/`), the way the
 * peer's own users would import it. A CommonJS module comes back as its `module.exports`.
 */
export async function importPeerPackage(folder: string, specifier: string): Promise<Loose> {
  const resolved = createRequire(join(folder, 'package.json')).resolve(specifier);
  const module: Loose = await import(pathToFileURL(resolved).href);
  return resolved.endsWith('.mjs') || !('default' in module) ? module : module.default;
}

/** Tells the bench which port, base path and bearer token the peer serves, then waits for SIGTERM. */
export function announceReady(port: number, basePath: string, token: string, close: () => void): void {
  process.stdout.write(`peer ready ${port} ${basePath} ${token || '-'}\n`);
  process.once('SIGTERM', () => {
    close();
    process.exit(0);
  });
}

/** The first command-line argument: the peer's install folder, passed by startPeer. */
export function peerFolderArgument(): string {
  const folder = process.argv[2];
  if (!folder) throw new Error('usage: node <peer-server>.js <bench/.peers/<peer> folder>');
  return folder;
}
