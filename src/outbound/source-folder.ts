import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { outboundSettings } from './outbound-settings.js';

/**
 * Refuses a `file:` source outside the configured source folder (`--source-dir`), judged on
 * the real path (symbolic links and `..` resolved), so a connection cannot be pointed at the
 * key file, /etc or another tenant's data. A folder of undefined means no folder was configured.
 */
export function checkSourcePath(path: string, folder: string | undefined = outboundSettings().sourceDir): void {
  if (folder === undefined) return;
  const root = realPath(resolve(folder));
  const file = realPath(resolve(path));
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(`${path}: a file source must be inside the source folder ${root} (--source-dir or SCIMD_SOURCE_DIR)${file !== resolve(path) ? `; it resolves to ${file}` : ''}`);
  }
}

/** The real path of a file, or of its nearest existing folder when it does not exist (yet). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}
