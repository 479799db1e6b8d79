import { NotificationDelivery } from '../notifications/notification-delivery.js';
import { HttpNotificationClient, LocalNotificationClient, type NotificationClient } from '../notifications/notification-client.js';
import { NotificationService } from '../notifications/notification-service.js';
import { connectionEncryptor } from '../provisioning/connections/encryption-key.js';
import { openStore } from '../store/open-store.js';
import { osUser, type AdminConnectionOptions } from './admin-connection.js';
import { databaseOf, existingDatabaseOf } from './context.js';
import { notifyConfig } from './notify-options.js';
import { remoteAdmin } from './remote-admin.js';
import { webhookConfig } from './webhook-options.js';

/** Runs a `notify` command on the server's admin API (--url) or the database. Loaded when a command runs. */
export async function runWithNotificationClient<T>(options: AdminConnectionOptions, work: (client: NotificationClient) => Promise<T>, env: NodeJS.ProcessEnv): Promise<T> {
  const remote = remoteAdmin(options, env);
  if (remote) return work(new HttpNotificationClient(remote));
  const store = await openStore(existingDatabaseOf(options));
  const encryptor = connectionEncryptor(databaseOf(options), env);
  let delivery: NotificationDelivery | undefined;
  try {
    const service = new NotificationService(store, {
      clock: () => new Date(),
      encryptor,
      delivery: () => (delivery ??= new NotificationDelivery(store, encryptor, notifyConfig({}, env).notify, webhookConfig({}, env).webhookTimeoutMs)),
    });
    return await work(new LocalNotificationClient(service, { id: `cli:${osUser(env)}`, ip: null }));
  } finally {
    delivery?.close();
    await store.close();
  }
}
