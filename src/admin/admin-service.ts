import { failingRecipients } from '../notifications/notification-views.js';
import { newSecret } from '../auth/secrets.js';
import { randomId } from '../auth/secret-format.js';
import { ScimError } from '../scim/errors.js';
import type { JsonObject } from '../scim/json.js';
import type { AdminTransaction, AuditEntry, DirectoryRecord, SecretRecord, Store } from '../store/store.js';
import { AdminError, conflictProblem, invalidInput } from './admin-error.js';
import { directoryTarget, secretTarget, secretTargetName, targetNameFromDetail, type AuditTarget } from './audit-target-name.js';
import {
  activeSecretLimit,
  alreadyRevoked,
  callerInactive,
  confirmationRequired,
  directoryNotFound,
  lastActiveSecret,
  secretNotFound,
  selfRotationDisabled,
  selfRotationLimit,
  successorNotUsed,
} from './admin-refusals.js';
import { directoryCreated, directoryDeleted, directoryUpdated, secretCreated, secretRevoked } from './admin-events.js';
import type {
  Actor,
  AuditEntryView,
  AuditPage,
  CreatedSecret,
  DirectoryDetails,
  DirectoryInfo,
  DirectoryStatus,
  SecretView,
  SettingsPatch,
  SettingsView,
  StatusReport,
} from './admin-views.js';
import { compareStatus, directoryStatus } from './directory-health.js';
import { effectiveSettings } from './directory-settings.js';
import { rejectedAdminSecrets } from './rejected-admin-secrets.js';
import { isActive, secretView } from './secret-view.js';
import { applySettingsPatch, parseLifetime, settingsView } from './settings-patch.js';

export interface AdminServiceOptions {
  clock: () => Date;
  /** Days before expiry that raise warnings; the largest is the window in which a secret is "expiring". */
  warningDays: number[];
  /** The server-wide default lifetime of new secrets (ms; null never expires), for directories that set none. */
  secretLifetimeMs: number | null;
}

export interface SecretInput {
  name?: string;
  /** `90d`, `1y`, `never`; absent takes the directory's default lifetime. */
  expiresIn?: string;
}

/** A connected directory without a request for this long counts as idle, unless the caller says otherwise. */
export const DEFAULT_IDLE_HOURS = 24;
const MAX_NAME_LENGTH = 200;
const MAX_AUDIT_PAGE = 1000;

/**
 * Every administrative action, once: the admin API and the CLI's local mode both call this.
 * Each change runs in one store transaction that locks what it checks (a secret before its
 * directory), so limits hold under concurrency, and writes its event and audit entry with it.
 */
export class AdminService {
  constructor(
    private readonly store: Store,
    private readonly options: AdminServiceOptions,
  ) {}

  /** The warning window in days: inside it an active secret is listed as `expiring`. */
  get windowDays(): number {
    return Math.max(0, ...this.options.warningDays);
  }

  // ---- directories ----------------------------------------------------------------------

  async listDirectories(): Promise<DirectoryInfo[]> {
    return (await this.store.listDirectoryRecords()).map((d) => this.info(d));
  }

  async getDirectory(ref: string): Promise<Omit<DirectoryDetails, 'scimUrl'>> {
    const directory = await this.requireDirectory(ref);
    const [counts, secrets] = await Promise.all([this.counts(directory.id), this.store.listSecrets(directory.id)]);
    const now = this.options.clock();
    return { ...this.info(directory), ...counts, activeSecrets: secrets.filter((s) => isActive(s, now)).length };
  }

  async createDirectory(actor: Actor, input: { name: string; settings?: SettingsPatch }): Promise<DirectoryInfo> {
    const now = this.options.clock().toISOString();
    const directory: DirectoryRecord = {
      id: randomId('dir'),
      name: checkName(input.name, 'directory name'),
      created: now,
      settings: applySettingsPatch({}, input.settings ?? {}),
    };
    await this.nameTaken(() =>
      this.store.administer(async (tx) => {
        await tx.insertDirectory(directory);
        await tx.appendEvents(directory.id, [directoryCreated(directory, actor)], now);
        await tx.appendAudit(audit(actor, now, 'directory.created', directoryTarget(directory), directory.id, { name: directory.name, settings: directory.settings }));
      }),
    );
    return this.info(directory);
  }

  async renameDirectory(actor: Actor, ref: string, newName: string): Promise<DirectoryInfo> {
    const name = checkName(newName, 'directory name');
    const { id } = await this.requireDirectory(ref);
    const now = this.options.clock().toISOString();
    return this.nameTaken(() =>
      this.store.administer(async (tx) => {
        const directory = await this.lockDirectory(tx, id);
        if (directory.name === name) return this.info(directory);
        const changes = { name: { from: directory.name, to: name } };
        await tx.updateDirectory(id, { name });
        const renamed = { ...directory, name };
        await tx.appendEvents(id, [directoryUpdated(renamed, changes, actor)], now);
        await tx.appendAudit(audit(actor, now, 'directory.renamed', directoryTarget(renamed), id, changes));
        return this.info(renamed);
      }),
    );
  }

  async getSettings(ref: string): Promise<SettingsView> {
    return this.settings(await this.requireDirectory(ref));
  }

  async updateSettings(actor: Actor, ref: string, patch: SettingsPatch): Promise<SettingsView> {
    const { id } = await this.requireDirectory(ref);
    applySettingsPatch({}, patch); // refuses bad values before any transaction starts
    const now = this.options.clock().toISOString();
    return this.store.administer(async (tx) => {
      const directory = await this.lockDirectory(tx, id);
      const before = this.settings(directory);
      const settings = applySettingsPatch(directory.settings, patch);
      const updated = { ...directory, settings };
      const after = this.settings(updated);
      const changes: JsonObject = {};
      for (const key of Object.keys(after) as (keyof SettingsView)[]) {
        if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
      }
      await tx.updateDirectory(id, { settings });
      if (Object.keys(changes).length) {
        await tx.appendEvents(id, [directoryUpdated(updated, { settings: changes }, actor)], now);
        await tx.appendAudit(audit(actor, now, 'directory.settings_updated', directoryTarget(directory), id, changes));
      }
      return after;
    });
  }

  /**
   * Deletes a directory with everything in it. `confirmation` must repeat its name exactly; the
   * refusal says what would be lost, so nobody deletes a live directory by a slip of an id.
   */
  async deleteDirectory(actor: Actor, ref: string, confirmation: string | undefined): Promise<{ id: string; name: string }> {
    const found = await this.requireDirectory(ref);
    if (confirmation !== found.name) {
      const counts = await this.counts(found.id);
      const secrets = (await this.store.listSecrets(found.id)).filter((s) => isActive(s, this.options.clock())).length;
      throw confirmationRequired(found, confirmation, counts, secrets);
    }
    const now = this.options.clock().toISOString();
    return this.store.administer(async (tx) => {
      const directory = await this.lockDirectory(tx, found.id);
      await tx.appendEvents(directory.id, [directoryDeleted(directory, actor)], now);
      await tx.appendAudit(audit(actor, now, 'directory.deleted', directoryTarget(directory), directory.id, { name: directory.name }));
      await tx.deleteDirectory(directory.id);
      return { id: directory.id, name: directory.name };
    });
  }

  // ---- directory secrets ----------------------------------------------------------------

  async listSecrets(ref: string): Promise<SecretView[]> {
    const directory = await this.requireDirectory(ref);
    const now = this.options.clock();
    return (await this.store.listSecrets(directory.id)).map((s) => secretView(s, now, this.windowDays));
  }

  /** A directory secret by id (admin secrets are not found here). */
  async getSecret(id: string): Promise<SecretView> {
    const secret = await this.store.findSecret(id);
    if (!secret || secret.scope !== 'scim') throw secretNotFound(id);
    return secretView(secret, this.options.clock(), this.windowDays);
  }

  /**
   * "+ Client Secret": refused while the directory holds as many active secrets as it allows
   * (two by default, as in Apple Business Manager), so old secrets get revoked, not forgotten.
   */
  async createSecret(actor: Actor, ref: string, input: SecretInput): Promise<CreatedSecret> {
    const name = checkName(input.name ?? 'client secret', 'secret name');
    const lifetime = input.expiresIn === undefined ? undefined : parseLifetime(input.expiresIn);
    const { id } = await this.requireDirectory(ref);
    const now = this.options.clock();
    return this.store.administer(async (tx) => {
      const directory = await this.lockDirectory(tx, id);
      const settings = effectiveSettings(directory.settings, this.options.secretLifetimeMs);
      const active = (await tx.listSecrets(id)).filter((s) => isActive(s, now));
      if (active.length >= settings.maxActiveSecrets) {
        throw activeSecretLimit(directory, active, settings.maxActiveSecrets);
      }
      const created = newSecret({ directoryId: id, scope: 'scim', name, lifetimeMs: lifetime === undefined ? settings.defaultSecretLifetimeMs : lifetime, now });
      await this.insertSecret(tx, created.record, actor, 'admin');
      return { ...secretView(created.record, now, this.windowDays), secret: created.secret };
    });
  }

  /**
   * Revokes a directory secret. Revoking the last active one stops provisioning, so it needs
   * `force`, and the refusal says so.
   */
  async revokeSecret(actor: Actor, id: string, options: { force?: boolean; directory?: string } = {}): Promise<SecretView> {
    // Through /directories/{directory}/secrets/{id}, a secret of another directory is not found.
    const within = options.directory === undefined ? undefined : (await this.requireDirectory(options.directory)).id;
    const now = this.options.clock();
    return this.store.administer(async (tx) => {
      const secret = await tx.lockSecret(id);
      if (!secret || secret.scope !== 'scim' || !secret.directoryId || (within !== undefined && secret.directoryId !== within)) {
        throw secretNotFound(id);
      }
      if (secret.revokedAt) throw alreadyRevoked(secret);
      const directory = await this.lockDirectory(tx, secret.directoryId);
      const others = (await tx.listSecrets(directory.id)).filter((s) => s.id !== id && isActive(s, now));
      if (isActive(secret, now) && !others.length && !options.force) {
        throw lastActiveSecret(secret, directory);
      }
      return this.revoke(tx, secret, now, actor, 'admin', { forced: options.force === true && isActive(secret, now) && !others.length });
    });
  }

  // ---- admin secrets --------------------------------------------------------------------

  async listAdminSecrets(): Promise<SecretView[]> {
    const now = this.options.clock();
    return (await this.store.listSecrets(null)).map((s) => secretView(s, now, this.windowDays));
  }

  async createAdminSecret(actor: Actor, input: SecretInput): Promise<CreatedSecret> {
    const name = checkName(input.name ?? 'admin secret', 'secret name');
    const lifetime = input.expiresIn === undefined ? this.options.secretLifetimeMs : parseLifetime(input.expiresIn);
    const now = this.options.clock();
    const created = newSecret({ directoryId: null, scope: 'admin', name, lifetimeMs: lifetime, now });
    await this.store.administer((tx) => this.insertSecret(tx, created.record, actor, 'admin'));
    return { ...secretView(created.record, now, this.windowDays), secret: created.secret };
  }

  /** Revoking the last active admin secret shuts the admin API (the CLI on --db still works), so it needs `force`. */
  async revokeAdminSecret(actor: Actor, id: string, options: { force?: boolean } = {}): Promise<SecretView> {
    const now = this.options.clock();
    return this.store.administer(async (tx) => {
      const secret = await tx.lockSecret(id);
      if (!secret || secret.scope !== 'admin') throw secretNotFound(id, 'admin');
      if (secret.revokedAt) throw alreadyRevoked(secret);
      const others = (await tx.listSecrets(null)).filter((s) => s.id !== id && isActive(s, now));
      if (isActive(secret, now) && !others.length && !options.force) {
        throw lastActiveSecret(secret);
      }
      return this.revoke(tx, secret, now, actor, 'admin', {});
    });
  }

  // ---- self-rotation (authenticated by a directory secret) ------------------------------

  /**
   * A directory's client asks for its own successor secret, with the directory's default
   * lifetime. At the active-secret limit this is refused unless the caller is the only active
   * secret, so a client can always rotate but never pile up secrets.
   */
  async rotateOwnSecret(caller: SecretRecord, ip: string | null, input: { name?: string } = {}): Promise<CreatedSecret> {
    const actor = { id: caller.id, ip };
    const now = this.options.clock();
    return this.store.administer(async (tx) => {
      const current = await tx.lockSecret(caller.id);
      if (!current || !current.directoryId || !isActive(current, now)) throw callerInactive();
      const directory = await this.lockDirectory(tx, current.directoryId);
      const settings = effectiveSettings(directory.settings, this.options.secretLifetimeMs);
      if (!settings.allowSelfRotation) throw selfRotationDisabled(directory);
      const active = (await tx.listSecrets(directory.id)).filter((s) => isActive(s, now));
      const others = active.filter((s) => s.id !== current.id);
      if (active.length >= settings.maxActiveSecrets && others.length) throw selfRotationLimit(directory, active.length);
      const name = checkName(input.name ?? successorName(current.name, now), 'secret name');
      const created = newSecret({ directoryId: directory.id, scope: 'scim', name, lifetimeMs: settings.defaultSecretLifetimeMs, now });
      await this.insertSecret(tx, created.record, actor, 'self-rotation', { rotatedFrom: current.id });
      return { ...secretView(created.record, now, this.windowDays), secret: created.secret };
    });
  }

  /** The client retires the secret it calls with, once another active secret has carried a request. */
  async retireOwnSecret(caller: SecretRecord, ip: string | null): Promise<SecretView> {
    const actor = { id: caller.id, ip };
    const now = this.options.clock();
    return this.store.administer(async (tx) => {
      const current = await tx.lockSecret(caller.id);
      if (!current || !current.directoryId || current.revokedAt) throw callerInactive();
      const directory = await this.lockDirectory(tx, current.directoryId);
      const successor = (await tx.listSecrets(directory.id)).find((s) => s.id !== current.id && isActive(s, now) && (s.firstUsedAt || s.lastUsedAt));
      if (!successor) throw successorNotUsed(directory);
      return this.revoke(tx, current, now, actor, 'self-retired', { successorId: successor.id });
    });
  }

  // ---- status and audit -----------------------------------------------------------------

  async directoryStatus(ref: string, options: { idleHours?: number } = {}): Promise<DirectoryStatus> {
    const directory = await this.requireDirectory(ref);
    return this.statusOf(directory, this.options.clock(), options.idleHours ?? DEFAULT_IDLE_HOURS);
  }

  /** Every directory, worst first, and the admin secrets (refused ones too); `attention` when anything needs an admin now. */
  async status(options: { idleHours?: number } = {}): Promise<StatusReport> {
    const now = this.options.clock();
    const idleHours = options.idleHours ?? DEFAULT_IDLE_HOURS;
    const directories = await Promise.all((await this.store.listDirectoryRecords()).map((d) => this.statusOf(d, now, idleHours)));
    directories.sort(compareStatus);
    const admin = await this.store.listSecrets(null);
    const adminSecrets = admin.filter((s) => !s.revokedAt).map((s) => secretView(s, now, this.windowDays));
    const rejected = await rejectedAdminSecrets(this.store, admin, now, idleHours);
    const failingNotifications = await failingRecipients(this.store);
    return {
      generatedAt: now.toISOString(),
      warningWindowDays: this.windowDays,
      idleHours,
      attention: directories.some((d) => d.attention) || adminSecrets.some((s) => s.state === 'expiring') || rejected.length > 0 || failingNotifications.length > 0,
      directories,
      adminSecrets,
      rejectedAdminSecrets: rejected,
      failingNotifications,
    };
  }

  /** Audit entries, newest first; `directory` may name a deleted directory by its id. */
  async audit(query: { directory?: string; limit?: number; before?: string } = {}): Promise<AuditPage> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw invalidInput(`limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}`);
    const directoryId = query.directory === undefined ? undefined : ((await this.store.findDirectoryRecord(query.directory))?.id ?? query.directory);
    const entries = await this.nameEntries(await this.store.readAudit({ directoryId, limit, before: query.before }));
    return { entries, next: entries.length === limit ? entries[entries.length - 1].id : null };
  }

  // ---- internals ------------------------------------------------------------------------

  /**
   * Names each entry's acting secret, and the targets of entries written before scimd recorded
   * names: from the entry's detail, else a directory by its current name. A target gone without a
   * trace keeps its id alone.
   */
  private async nameEntries(entries: AuditEntry[]): Promise<AuditEntryView[]> {
    let directories: Map<string, string> | undefined;
    const actors = new Map<string, string | null>();
    const named: AuditEntryView[] = [];
    for (const entry of entries) {
      let targetName = entry.targetName ?? targetNameFromDetail(entry);
      if (targetName === null && entry.targetType === 'directory') {
        directories ??= new Map((await this.store.listDirectoryRecords()).map((d) => [d.id, d.name]));
        targetName = directories.get(entry.targetId) ?? null;
      }
      if (!actors.has(entry.actor)) {
        // Actors that are not secrets (cli:…, system:…) have a colon; secret ids never do.
        const secret = entry.actor.includes(':') ? undefined : await this.store.findSecret(entry.actor);
        actors.set(entry.actor, secret ? secretTargetName(secret) : null);
      }
      named.push({ ...entry, targetName, actorName: actors.get(entry.actor) ?? null });
    }
    return named;
  }

  private async requireDirectory(ref: string): Promise<DirectoryRecord> {
    const directory = await this.store.findDirectoryRecord(ref);
    if (!directory) throw directoryNotFound(ref);
    return directory;
  }

  /** Locks a directory found before the transaction; it may have been deleted since. */
  private async lockDirectory(tx: AdminTransaction, id: string): Promise<DirectoryRecord> {
    const directory = await tx.lockDirectory(id);
    if (!directory) throw directoryNotFound(id);
    return directory;
  }

  private async insertSecret(tx: AdminTransaction, record: SecretRecord, actor: Actor, via: 'admin' | 'self-rotation', extra: JsonObject = {}): Promise<void> {
    await tx.insertSecret(record);
    if (record.directoryId) await tx.appendEvents(record.directoryId, [secretCreated(record, actor, via, extra)], record.created);
    const action = record.scope === 'admin' ? 'admin_secret.created' : 'secret.created';
    await tx.appendAudit(
      audit(actor, record.created, action, secretTarget(record), record.directoryId, {
        name: record.name,
        suffix: record.suffix,
        expiresAt: record.expiresAt,
        via,
        ...extra,
      }),
    );
  }

  private async revoke(tx: AdminTransaction, secret: SecretRecord, now: Date, actor: Actor, reason: 'admin' | 'self-retired', extra: JsonObject): Promise<SecretView> {
    const at = now.toISOString();
    await tx.revokeSecret(secret.id, at);
    const revoked = { ...secret, revokedAt: at };
    if (revoked.directoryId) await tx.appendEvents(revoked.directoryId, [secretRevoked(revoked, actor, reason, extra)], at);
    const action = secret.scope === 'admin' ? 'admin_secret.revoked' : 'secret.revoked';
    await tx.appendAudit(
      audit(actor, at, action, secretTarget(secret), secret.directoryId, {
        name: secret.name,
        suffix: secret.suffix,
        reason,
        ...extra,
      }),
    );
    return secretView(revoked, now, this.windowDays);
  }

  private async statusOf(directory: DirectoryRecord, now: Date, idleHours: number): Promise<DirectoryStatus> {
    const [connection, secrets] = await Promise.all([this.store.connectionStatus(directory.id), this.store.listSecrets(directory.id)]);
    return directoryStatus(directory, connection, secrets, { now, windowDays: this.windowDays, idleHours });
  }

  private info(directory: DirectoryRecord): DirectoryInfo {
    return { id: directory.id, name: directory.name, created: directory.created, settings: this.settings(directory) };
  }

  private settings(directory: DirectoryRecord): SettingsView {
    return settingsView(directory.settings, this.options.secretLifetimeMs);
  }

  private async counts(directoryId: string): Promise<{ users: number; groups: number }> {
    const total = async (type: 'User' | 'Group') =>
      (await this.store.queryResources(directoryId, type, { sortOrder: 'ascending', offset: 0, count: 0, includeMembership: false, withTotal: true })).total;
    const [users, groups] = await Promise.all([total('User'), total('Group')]);
    return { users, groups };
  }

  /** A store 409 on the unique directory name, as the admin problem `name-taken`. */
  private async nameTaken<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ScimError && !(error instanceof AdminError) && error.status === 409) throw conflictProblem('name-taken', error.detail);
      throw error;
    }
  }
}

/** One audit entry; `detail` never holds a secret. */
export function audit(actor: Actor, at: string, action: string, target: AuditTarget, directoryId: string | null, detail: JsonObject): AuditEntry {
  return { id: randomId('aud'), at, actor: actor.id, actorIp: actor.ip, action, targetType: target.type, targetId: target.id, targetName: target.name, directoryId, detail };
}

/** Names are shown in tables and messages: trimmed, not empty, no control characters. */
function checkName(text: string, label: string): string {
  const name = text.trim();
  if (name === '') throw invalidInput(`The ${label} must not be empty`);
  if (name.length > MAX_NAME_LENGTH) throw invalidInput(`The ${label} must be at most ${MAX_NAME_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalidInput(`The ${label} must not contain control characters`);
  return name;
}

/** `Entra (rotated 2026-11-28)`, without piling up one suffix per rotation. */
function successorName(name: string, now: Date): string {
  const base = name.replace(/ \(rotated \d{4}-\d\d-\d\d\)$/, '');
  return `${base} (rotated ${now.toISOString().slice(0, 10)})`.slice(0, MAX_NAME_LENGTH);
}

