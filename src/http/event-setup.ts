import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.js';
import { EventFeed } from '../events/event-feed.js';
import { EventNotifier } from '../events/event-notifier.js';
import { connectionEncryptor } from '../provisioning/connections/encryption-key.js';
import type { Store } from '../store/store.js';
import { NotificationDelivery } from '../notifications/notification-delivery.js';
import { NotificationService } from '../notifications/notification-service.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { WebhookSecrets } from '../webhooks/webhook-secrets.js';
import { WebhookService } from '../webhooks/webhook-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The webhook dispatcher: `start(issuer)` for `scimd serve` (and tests), stopped when the app closes. */
    webhooks: WebhookDispatcher;
  }
}

export interface EventServices {
  feed: EventFeed;
  webhooks: WebhookService;
  notifications: NotificationService;
}

/**
 * Wires events into the app: a notifier woken by every successful write request of this process
 * (long-polls and the dispatcher react at once; other replicas' writes are found by polling),
 * the feed, webhook administration, and the dispatcher, which `scimd serve` starts. Closing the
 * app ends long-polls first, then stops the dispatcher and hands its leases back.
 */
export function registerEvents(app: FastifyInstance, options: { store: Store; config: ServerConfig; clock: () => Date }): EventServices {
  const { store, config, clock } = options;
  const notifier = new EventNotifier();
  // Signing secrets are reused for every delivery, so they are encrypted, with the same key as the engine's credentials.
  const encryptor = connectionEncryptor(config.db);
  const secrets = new WebhookSecrets(encryptor);
  const notifications = new NotificationDelivery(store, encryptor, config.notify, config.webhookTimeoutMs);
  const dispatcher = new WebhookDispatcher({
    store,
    secrets,
    notifications,
    notifier,
    clock,
    log: app.log,
    policy: { minDelayMs: config.webhookRetryMinDelayMs, maxDelayMs: config.webhookRetryMaxDelayMs, windowMs: config.webhookRetryWindowMs },
    timeoutMs: config.webhookTimeoutMs,
    pollMs: config.eventPollMs,
    concurrency: config.webhookConcurrency,
    claimGapMs: config.webhookClaimGapMs,
    logRetentionMs: config.eventRetentionMs,
  });
  app.decorate('webhooks', dispatcher);
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) notifier.notify();
    done();
  });
  app.addHook('preClose', async () => notifier.close());
  app.addHook('onClose', async () => {
    await dispatcher.stop();
    notifications.close();
  });
  return {
    feed: new EventFeed(store, notifier, config.eventPollMs),
    webhooks: new WebhookService(store, { clock, secrets, timeoutMs: config.webhookTimeoutMs }),
    notifications: new NotificationService(store, { clock, encryptor, delivery: () => notifications }),
  };
}
