import type { AdminClient } from '../admin/admin-client.js';
import { LocalAdminClient } from '../admin/local-admin-client.js';
import { connectionEncryptor } from '../provisioning/connections/encryption-key.js';
import { openStore } from '../store/open-store.js';
import { osUser, type AdminConnectionOptions } from './admin-connection.js';
import { adminConfig } from './admin-options.js';
import { databaseOf, existingDatabaseOf, scimUrl } from './context.js';
import { lifecycleConfig } from './lifecycle-options.js';
import { remoteAdmin } from './remote-admin.js';
import { webhookConfig } from './webhook-options.js';

/** The admin client of a command: the server's admin API (--url) or the database itself. Loaded when a command runs. */
export async function openAdminClient(options: AdminConnectionOptions, env: NodeJS.ProcessEnv): Promise<AdminClient> {
  const remote = remoteAdmin(options, env);
  if (remote) return remote;
  const config = { ...lifecycleConfig({}, env), ...adminConfig({}, env) };
  const store = await openStore(existingDatabaseOf(options));
  const clock = () => new Date();
  const webhooks = async () => {
    // Only webhook commands load the webhook sender (and with it the HTTP client).
    const { WebhookService } = await import('../webhooks/webhook-service.js');
    const { WebhookSecrets } = await import('../webhooks/webhook-secrets.js');
    return new WebhookService(store, { clock, secrets: new WebhookSecrets(connectionEncryptor(databaseOf(options), env)), timeoutMs: webhookConfig({}, env).webhookTimeoutMs });
  };
  return new LocalAdminClient(store, { clock, warningDays: config.expiryWarningDays, secretLifetimeMs: config.secretLifetimeMs }, { id: `cli:${osUser(env)}`, ip: null }, scimUrl(), webhooks);
}
