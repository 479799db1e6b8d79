import type { RecipientView } from '../admin/api-views.js';
import type { Store } from '../store/store.js';
import type { NotificationRecipientRecord } from '../store/webhook-store.js';

export type { RecipientView } from '../admin/api-views.js';

/** A recipient with its channel's state, read from its delivery streams and latest attempt. */
export async function recipientView(store: Store, recipient: NotificationRecipientRecord, knownDirectoryId?: string | null): Promise<RecipientView> {
  const directoryId = knownDirectoryId !== undefined ? knownDirectoryId : ((await store.webhooks.findWebhook(recipient.id))?.directoryId ?? null);
  const streams = await store.webhooks.listStreams(recipient.id);
  const paused = streams.some((s) => s.pausedAt !== null);
  const failing = streams.filter((s) => s.failingSince !== null);
  let lastError: string | null = null;
  if (paused || failing.length) {
    const [latest] = await store.webhooks.listDeliveries({ webhookId: recipient.id, limit: 1 });
    lastError = latest && latest.outcome !== 'delivered' ? (latest.error ?? (latest.statusCode !== null ? `HTTP ${latest.statusCode}` : 'failed')) : null;
  }
  return {
    id: recipient.id,
    channel: recipient.channel,
    recipient: recipient.label,
    directoryId,
    created: recipient.created,
    state: paused ? 'paused' : failing.length ? 'failing' : 'ok',
    failingSince: failing.map((s) => s.failingSince!).sort()[0] ?? null,
    lastError,
  };
}

/** Recipients whose channel is failing or paused: nobody hears from scimd through them (for `scimd status`). */
export async function failingRecipients(store: Store): Promise<RecipientView[]> {
  const views = await Promise.all((await store.webhooks.listRecipients()).map((r) => recipientView(store, r)));
  return views.filter((v) => v.state !== 'ok');
}

