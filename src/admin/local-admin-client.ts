import { EventFeed, feedDirectory, feedResponse, type FeedFormat } from '../events/event-feed.js';
import { EventNotifier } from '../events/event-notifier.js';
import type { Store } from '../store/store.js';
import { parseOverlap, type WebhookChange, type WebhookInput } from '../webhooks/webhook-input.js';
import type { WebhookService } from '../webhooks/webhook-service.js';
import { directoryNotFound } from './admin-refusals.js';
import type { AdminClient } from './admin-client.js';
import { AdminService, type AdminServiceOptions, type SecretInput } from './admin-service.js';
import type { Actor, DirectoryInfo, SettingsPatch } from './admin-views.js';

/** The CLI on `--db`: AdminService over an open store, acting as `cli:<os user>`. */
export class LocalAdminClient implements AdminClient {
  private readonly service: AdminService;

  private webhookService?: Promise<WebhookService>;

  /**
   * `webhooks` is made on first use: it reads the encryption key and loads the HTTP client, which
   * other commands do not need.
   */
  constructor(
    private readonly store: Store,
    options: AdminServiceOptions,
    private readonly actor: Actor,
    readonly scimUrl: string,
    private readonly makeWebhooks?: () => Promise<WebhookService>,
  ) {
    this.service = new AdminService(store, options);
  }

  private webhooks(): Promise<WebhookService> {
    if (!this.makeWebhooks) return Promise.reject(new Error('webhooks are not available on this connection'));
    return (this.webhookService ??= this.makeWebhooks());
  }

  async listDirectories() {
    return (await this.service.listDirectories()).map((d) => this.withUrl(d));
  }
  async getDirectory(directory: string) {
    return { ...(await this.service.getDirectory(directory)), scimUrl: this.scimUrl };
  }
  async createDirectory(name: string) {
    return this.withUrl(await this.service.createDirectory(this.actor, { name }));
  }
  async renameDirectory(directory: string, name: string) {
    return this.withUrl(await this.service.renameDirectory(this.actor, directory, name));
  }
  deleteDirectory(directory: string, confirm: string | undefined) {
    return this.service.deleteDirectory(this.actor, directory, confirm);
  }
  getSettings(directory: string) {
    return this.service.getSettings(directory);
  }
  updateSettings(directory: string, patch: SettingsPatch) {
    return this.service.updateSettings(this.actor, directory, patch);
  }
  listSecrets(directory: string) {
    return this.service.listSecrets(directory);
  }
  createSecret(directory: string, input: SecretInput) {
    return this.service.createSecret(this.actor, directory, input);
  }
  revokeSecret(id: string, options: { force?: boolean }) {
    return this.service.revokeSecret(this.actor, id, options);
  }
  listAdminSecrets() {
    return this.service.listAdminSecrets();
  }
  createAdminSecret(input: SecretInput) {
    return this.service.createAdminSecret(this.actor, input);
  }
  revokeAdminSecret(id: string, options: { force?: boolean }) {
    return this.service.revokeAdminSecret(this.actor, id, options);
  }
  status(options: { idleHours?: number }) {
    return this.service.status(options);
  }
  directoryStatus(directory: string, options: { idleHours?: number }) {
    return this.service.directoryStatus(directory, options);
  }
  audit(query: { directory?: string; limit?: number; before?: string }) {
    return this.service.audit(query);
  }
  async readEvents(directory: string, query: { after: number; limit?: number; wait?: number; format?: FeedFormat }) {
    const directoryId = await feedDirectory(this.store, directory);
    if (!directoryId) throw directoryNotFound(directory);
    // Locally the feed polls the database, which sees every server's writes.
    const page = await new EventFeed(this.store, new EventNotifier()).read(directoryId, { after: query.after, limit: query.limit ?? 100, waitMs: (query.wait ?? 0) * 1000 });
    return feedResponse(directoryId, page, query.format ?? 'json', this.scimUrl);
  }
  async listWebhooks(directory?: string) {
    return (await this.webhooks()).list(directory === undefined ? {} : { directory });
  }
  async getWebhook(id: string) {
    return (await this.webhooks()).get(id);
  }
  async createWebhook(input: WebhookInput) {
    return (await this.webhooks()).create(this.actor, input);
  }
  async updateWebhook(id: string, change: WebhookChange) {
    return (await this.webhooks()).update(this.actor, id, change);
  }
  async deleteWebhook(id: string) {
    return (await this.webhooks()).remove(this.actor, id);
  }
  async rotateWebhookSecret(id: string, overlap?: string) {
    return (await this.webhooks()).rotateSecret(this.actor, id, overlap === undefined ? {} : { overlapMs: parseOverlap(overlap) });
  }
  async testWebhook(id: string) {
    return (await this.webhooks()).test(this.actor, id);
  }
  async webhookDeliveries(id: string, query: { directory?: string; outcome?: string; limit?: number; before?: string }) {
    return (await this.webhooks()).deliveries(id, query);
  }
  async resendDelivery(id: string, deliveryId: string) {
    return (await this.webhooks()).resend(this.actor, id, deliveryId, this.scimUrl);
  }
  async replayWebhook(id: string, input: { directory?: string; from: number }) {
    return (await this.webhooks()).replay(this.actor, id, input);
  }
  close() {
    return this.store.close();
  }

  private withUrl(directory: DirectoryInfo) {
    return { ...directory, scimUrl: this.scimUrl };
  }
}
