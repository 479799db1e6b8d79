import type { HttpAdminClient } from '../admin/http-admin-client.js';
import type { Actor } from '../admin/admin-views.js';
import type { DeliveryRecord } from '../store/webhook-store.js';
import type { NotificationLogEntry, NotificationService, RecipientView } from './notification-service.js';

/** What `scimd notify` needs, on the database or through the admin API. */
export interface NotificationClient {
  list(): Promise<RecipientView[]>;
  create(input: { recipient: string; directory?: string }): Promise<RecipientView>;
  remove(id: string): Promise<RecipientView>;
  test(id: string): Promise<DeliveryRecord>;
  log(query: { recipient?: string; limit?: number }): Promise<{ deliveries: NotificationLogEntry[] }>;
}

/** `scimd notify` on `--db`, acting as the CLI's user. */
export class LocalNotificationClient implements NotificationClient {
  constructor(
    private readonly service: NotificationService,
    private readonly actor: Actor,
  ) {}

  list() {
    return this.service.list();
  }
  create(input: { recipient: string; directory?: string }) {
    return this.service.create(this.actor, input);
  }
  remove(id: string) {
    return this.service.remove(this.actor, id);
  }
  test(id: string) {
    return this.service.test(this.actor, id);
  }
  log(query: { recipient?: string; limit?: number }) {
    return this.service.log(query);
  }
}

/** `scimd notify --url`: the same through /api/v1/notifications. */
export class HttpNotificationClient implements NotificationClient {
  constructor(private readonly http: HttpAdminClient) {}

  async list() {
    return (await this.http.call<{ recipients: RecipientView[] }>('GET', '/notifications')).recipients;
  }
  create(input: { recipient: string; directory?: string }) {
    return this.http.call<RecipientView>('POST', '/notifications', input);
  }
  remove(id: string) {
    return this.http.call<RecipientView>('DELETE', `/notifications/${encodeURIComponent(id)}`);
  }
  test(id: string) {
    return this.http.call<DeliveryRecord>('POST', `/notifications/${encodeURIComponent(id)}/test`, {});
  }
  log(query: { recipient?: string; limit?: number }) {
    const search = new URLSearchParams();
    if (query.recipient !== undefined) search.set('recipient', query.recipient);
    if (query.limit !== undefined) search.set('limit', String(query.limit));
    const text = search.toString();
    return this.http.call<{ deliveries: NotificationLogEntry[] }>('GET', `/notifications/log${text ? `?${text}` : ''}`);
  }
}
