import type { FeedFormat, FeedResponse } from '../events/event-feed.js';
import type { DeliveryRecord } from '../store/webhook-store.js';
import type { WebhookChange, WebhookInput } from '../webhooks/webhook-input.js';
import type { WebhookDetails, WebhookView, WebhookWithSecret } from '../webhooks/webhook-views.js';
import type { SecretInput } from './admin-service.js';
import type {
  AuditPage,
  CreatedSecret,
  DirectoryDetails,
  DirectoryStatus,
  DirectoryView,
  SecretView,
  SettingsPatch,
  SettingsView,
  StatusReport,
} from './admin-views.js';

/**
 * Administration as the CLI sees it, so each command is written once: `LocalAdminClient` acts on
 * the database directly (`--db`), `HttpAdminClient` calls a server's admin API (`--url`). Both
 * return the same shapes and fail with the same messages. `directory` is an id or a name.
 */
export interface AdminClient {
  listDirectories(): Promise<DirectoryView[]>;
  getDirectory(directory: string): Promise<DirectoryDetails>;
  createDirectory(name: string): Promise<DirectoryView>;
  renameDirectory(directory: string, name: string): Promise<DirectoryView>;
  /** `confirm` must repeat the directory's name. */
  deleteDirectory(directory: string, confirm: string | undefined): Promise<{ id: string; name: string }>;
  getSettings(directory: string): Promise<SettingsView>;
  updateSettings(directory: string, patch: SettingsPatch): Promise<SettingsView>;

  listSecrets(directory: string): Promise<SecretView[]>;
  createSecret(directory: string, input: SecretInput): Promise<CreatedSecret>;
  revokeSecret(id: string, options: { force?: boolean }): Promise<SecretView>;

  listAdminSecrets(): Promise<SecretView[]>;
  createAdminSecret(input: SecretInput): Promise<CreatedSecret>;
  revokeAdminSecret(id: string, options: { force?: boolean }): Promise<SecretView>;

  status(options: { idleHours?: number }): Promise<StatusReport>;
  directoryStatus(directory: string, options: { idleHours?: number }): Promise<DirectoryStatus>;
  audit(query: { directory?: string; limit?: number; before?: string }): Promise<AuditPage>;

  /** One directory's events after a sequence (`wait`: long-poll seconds); see docs/events.md. */
  readEvents(directory: string, query: { after: number; limit?: number; wait?: number; format?: FeedFormat }): Promise<FeedResponse>;
  listWebhooks(directory?: string): Promise<WebhookView[]>;
  getWebhook(id: string): Promise<WebhookDetails>;
  /** The signing secret is in this answer only. */
  createWebhook(input: WebhookInput): Promise<WebhookWithSecret>;
  updateWebhook(id: string, change: WebhookChange): Promise<WebhookView>;
  deleteWebhook(id: string): Promise<WebhookView>;
  /** `overlap`: how long the previous secret keeps signing, such as 24h (the default) or 0. */
  rotateWebhookSecret(id: string, overlap?: string): Promise<WebhookWithSecret>;
  testWebhook(id: string): Promise<DeliveryRecord>;
  webhookDeliveries(id: string, query: { directory?: string; outcome?: string; limit?: number; before?: string }): Promise<{ deliveries: DeliveryRecord[] }>;
  resendDelivery(id: string, deliveryId: string): Promise<DeliveryRecord>;
  replayWebhook(id: string, input: { directory?: string; from: number }): Promise<WebhookDetails>;

  /** Where the CLI tells people to point identity providers. */
  readonly scimUrl: string;
  close(): Promise<void>;
}
