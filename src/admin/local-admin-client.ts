import type { Store } from '../store/store.js';
import type { AdminClient } from './admin-client.js';
import { AdminService, type AdminServiceOptions, type SecretInput } from './admin-service.js';
import type { Actor, DirectoryInfo, SettingsPatch } from './admin-views.js';

/** The CLI on `--db`: AdminService over an open store, acting as `cli:<os user>`. */
export class LocalAdminClient implements AdminClient {
  private readonly service: AdminService;

  constructor(
    private readonly store: Store,
    options: AdminServiceOptions,
    private readonly actor: Actor,
    readonly scimUrl: string,
  ) {
    this.service = new AdminService(store, options);
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
  close() {
    return this.store.close();
  }

  private withUrl(directory: DirectoryInfo) {
    return { ...directory, scimUrl: this.scimUrl };
  }
}
