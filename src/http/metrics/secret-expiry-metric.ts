import type { FastifyBaseLogger } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { secretState } from '../../auth/secrets.js';
import type { SecretRecord, Store } from '../../store/store.js';

/**
 * `scimd_secret_expiry_seconds`: seconds until each active secret expires, read from the
 * database at scrape time so every replica reports the same truth. Labels carry names and ids,
 * never secret values; secrets that never expire are left out. This is what the "expires within
 * 14 days" alert in docs/deploy.md watches.
 */
export function registerSecretExpiryMetric(registry: Registry, store: Store, clock: () => Date, log: FastifyBaseLogger): void {
  new Gauge({
    name: 'scimd_secret_expiry_seconds',
    help: 'Seconds until an active client or admin secret expires (secrets that never expire are not listed)',
    labelNames: ['directory', 'directory_id', 'secret_id', 'secret_name', 'scope'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = clock();
      const set = (secret: SecretRecord, directory: { id: string; name: string } | undefined) => {
        if (secret.expiresAt === null || secretState(secret, now) !== 'active') return;
        const labels = { directory: directory?.name ?? '', directory_id: directory?.id ?? '', secret_id: secret.id, secret_name: secret.name, scope: secret.scope };
        this.set(labels, (Date.parse(secret.expiresAt) - now.getTime()) / 1000);
      };
      try {
        // One query per directory: fine for the hundreds of directories one deployment holds.
        for (const directory of await store.listDirectories()) {
          for (const secret of await store.listSecrets(directory.id)) set(secret, directory);
        }
        for (const secret of await store.listSecrets(null)) set(secret, undefined);
      } catch (err) {
        // The scrape still answers (scimd_database_up says why the series are missing).
        log.warn({ err }, 'could not read secrets for /metrics');
      }
    },
  });
}
