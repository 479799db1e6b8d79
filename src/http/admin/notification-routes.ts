import type { FastifyInstance } from 'fastify';
import type { NotificationService } from '../../notifications/notification-service.js';
import type { Store } from '../../store/store.js';
import { created, type AdminRouteContext } from './admin-context.js';
import { NOTIFICATION_SCHEMAS as S } from './schemas/notification-schemas.js';

type RecipientParams = { Params: { recipient: string } };

/** Notification recipients: list, add, remove, send a test now, the delivery log (docs/notifications.md). */
export function registerNotificationRoutes(app: FastifyInstance, context: AdminRouteContext & { notifications: NotificationService; store: Store }): void {
  const { notifications, actor, store } = context;

  // Each recipient with its own newest delivery, read per recipient (not from a page of the merged log).
  app.get('/notifications', { schema: S.list }, async () => {
    const [recipients, latest] = await Promise.all([notifications.list(), store.webhooks.latestRecipientDeliveries()]);
    const byRecipient = new Map(latest.map((d) => [d.webhookId, d]));
    return { recipients: recipients.map((r) => ({ ...r, lastDelivery: byRecipient.get(r.id) ?? null })) };
  });

  app.post<{ Body: { recipient: string; directory?: string } }>('/notifications', { schema: S.create }, async (request, reply) => {
    const { recipient: address, directory } = request.body;
    const recipient = await notifications.create(actor(request), { recipient: address, ...(directory !== undefined ? { directory } : {}) });
    return created(reply, `/api/v1/notifications/${recipient.id}`, recipient);
  });

  app.delete<RecipientParams>('/notifications/:recipient', { schema: S.delete }, async (request) => notifications.remove(actor(request), request.params.recipient));

  app.post<RecipientParams>('/notifications/:recipient/test', { schema: S.test }, async (request) => notifications.test(actor(request), request.params.recipient));

  app.get<{ Querystring: { limit?: number; recipient?: string } }>('/notifications/log', { schema: S.log }, async (request) => {
    const { limit, recipient } = request.query;
    return notifications.log({ ...(limit !== undefined ? { limit } : {}), ...(recipient !== undefined ? { recipient } : {}) });
  });
}
