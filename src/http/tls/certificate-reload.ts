import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { loadTlsOptions, type TlsFiles } from './tls-files.js';

/**
 * How often the files are checked. Polling follows the path, so it sees certbot's and
 * Kubernetes' replace-by-rename and symlink swaps that an inotify watch on the old file misses.
 */
const POLL_INTERVAL_MS = 1000;
/**
 * A renewal writes the certificate and the key one after the other, and each file is polled on
 * its own timer: wait out one more poll so both are seen before the pair is loaded.
 */
const SETTLE_MS = POLL_INTERVAL_MS + 250;

/**
 * Swaps in the new certificate when either file changes, without dropping the listening socket
 * or open connections: new handshakes get the new certificate. A pair that does not load (key
 * written before the certificate, a typo) is logged and the running certificate is kept.
 */
export function registerCertificateReload(app: FastifyInstance, files: TlsFiles | undefined): void {
  if (!files) return;
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    timer = undefined;
    try {
      (app.server as unknown as TlsServer).setSecureContext(loadTlsOptions(files));
      app.log.info({ certFile: files.certFile }, 'TLS certificate reloaded');
    } catch (error) {
      app.log.warn({ detail: (error as Error).message }, 'TLS certificate not reloaded; still serving the previous one');
    }
  };
  const changed = (current: Stats, previous: Stats) => {
    if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino && current.size === previous.size) return;
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS).unref();
  };
  app.addHook('onReady', async () => {
    for (const file of [files.certFile, files.keyFile]) watchFile(file, { interval: POLL_INTERVAL_MS, persistent: false }, changed);
  });
  app.addHook('onClose', async () => {
    clearTimeout(timer);
    for (const file of [files.certFile, files.keyFile]) unwatchFile(file, changed);
  });
}
