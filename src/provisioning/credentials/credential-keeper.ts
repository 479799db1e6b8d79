import type { Encryptor } from '../../auth/encryption.js';
import type { LifecycleLogger } from '../../lifecycle/lifecycle-logger.js';
import { DEFAULT_EXPIRY_WARNING_DAYS, dueWarning } from '../../lifecycle/expiry-warnings.js';
import type { ScimClientOptions } from '../client/scim-client.js';
import type { TestReport } from '../connections/connection-test.js';
import type { ConnectionRecord, CredentialState } from '../connections/connection.js';
import { decryptCredential, targetClient } from '../connections/target-client.js';
import { CycleLease } from '../engine/cycle-lease.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { ScimdSelfClient, selfApiBase } from './scimd-self.js';

export interface CredentialKeeperOptions {
  store: ConnectionStore;
  encryptor: Encryptor;
  log: LifecycleLogger;
  clock: () => Date;
  /** Days before expiry that each log one warning (default: the server's 60, 30, 14, 7, 1). */
  warningDays?: number[];
  /** A self-rotating target's secret is replaced this many days before it expires (default 30). */
  rotateBeforeDays?: number;
  /** Each connection is looked at no more often than this (default 10 minutes). */
  checkEveryMs?: number;
  clientOptions?: Partial<ScimClientOptions>;
}

export type UpkeepOutcome = 'not-bearer' | 'checked' | 'rotated' | 'rotation-failed' | 'busy';

const DAY_MS = 86_400_000;

/**
 * The engine's own target credential, looked after like the server looks after its secrets:
 * its expiry is known (entered, or read from a scimd target's self endpoint), warnings are
 * logged as it nears, and a target that allows self-rotation (scimd does) gets a successor
 * secret well before expiry with no human step — verified, swapped in atomically, and only then
 * the old one retired.
 */
export class CredentialKeeper {
  private readonly lastChecked = new Map<string, number>();

  constructor(private readonly options: CredentialKeeperOptions) {}

  /** Checks each connection that has not been checked recently; never throws. */
  async upkeep(connections: ConnectionRecord[], force = false): Promise<void> {
    const now = this.options.clock().getTime();
    for (const connection of connections) {
      const last = this.lastChecked.get(connection.id);
      if (!force && last !== undefined && now - last < (this.options.checkEveryMs ?? 10 * 60_000)) continue;
      this.lastChecked.set(connection.id, now);
      await this.check(connection).catch((err) => this.options.log.error({ err, connection: connection.name }, 'provisioning: checking the target credential failed'));
    }
  }

  /** A passing Test Connection is a good moment to learn the secret's expiry from the target. */
  async afterTest(connection: ConnectionRecord, report: TestReport): Promise<void> {
    if (report.ok) await this.readExpiry(connection).catch(() => undefined);
  }

  async check(connection: ConnectionRecord): Promise<UpkeepOutcome> {
    if (connection.credentialKind !== 'bearer') return 'not-bearer';
    const { record, selfRotating } = await this.readExpiry(connection);
    await this.warn(record);
    if (selfRotating && this.rotationDue(record)) return this.rotate(record);
    return 'checked';
  }

  /** Reads the secret's expiry from a scimd target and stores it, unless the admin entered one. */
  async readExpiry(connection: ConnectionRecord): Promise<{ record: ConnectionRecord; selfRotating: boolean }> {
    const base = selfApiBase(connection.targetUrl);
    if (!base || connection.credentialKind !== 'bearer') return { record: connection, selfRotating: false };
    const credential = decryptCredential(connection, this.options.encryptor);
    if (credential.kind !== 'bearer') return { record: connection, selfRotating: false };
    const self = await new ScimdSelfClient(base).read(credential.secret).catch(() => undefined);
    if (!self) return { record: connection, selfRotating: false };
    const state = connection.credentialState ?? {};
    if (state.expirySource === 'entered' || self.expiresAt === connection.credentialExpiresAt) return { record: connection, selfRotating: true };
    const next: CredentialState = { ...state, expirySource: 'target', warned: [] };
    const record = { ...connection, credentialExpiresAt: self.expiresAt, credentialState: next };
    await this.options.store.replaceCredential(connection.id, {
      kind: 'bearer',
      encrypted: connection.encryptedCredential,
      expiresAt: self.expiresAt,
      state: next,
      updated: connection.updated,
      expected: connection.encryptedCredential,
    });
    return { record, selfRotating: true };
  }

  private rotationDue(connection: ConnectionRecord): boolean {
    if (!connection.credentialExpiresAt) return false;
    const now = this.options.clock().getTime();
    const failed = connection.credentialState?.rotationError;
    // After a failed attempt, wait an hour before the next, so a refusing target is not pestered.
    if (failed && now - Date.parse(failed.at) < 3_600_000) return false;
    return Date.parse(connection.credentialExpiresAt) - now <= (this.options.rotateBeforeDays ?? 30) * DAY_MS;
  }

  /** One warning per threshold crossed, like the server's secret.expiring. */
  private async warn(connection: ConnectionRecord): Promise<void> {
    if (!connection.credentialExpiresAt) return;
    const state = connection.credentialState ?? {};
    const warned = state.warned?.length ? Math.min(...state.warned) : null;
    const due = dueWarning(connection.credentialExpiresAt, warned, this.options.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS, this.options.clock());
    if (!due) return;
    this.options.log.warn(
      { connection: connection.name, connectionId: connection.id, expiresAt: connection.credentialExpiresAt, daysLeft: due.daysLeft, thresholdDays: due.thresholdDays, selfRotation: state.expirySource === 'target' },
      `provisioning: the target secret of ${connection.name} expires in ${due.daysLeft} days${state.expirySource === 'target' ? '; scimd rotates it before then' : '; replace it with "scimd connection set-secret"'}`,
    );
    const next = { ...state, warned: [...(state.warned ?? []), due.thresholdDays] };
    connection.credentialState = next;
    await this.options.store.setCredentialState(connection.id, next);
  }

  /**
   * Self-rotation, under the connection's cycle lease so no cycle is using the old secret: ask
   * the target for a successor, prove it works, store it (only if the stored secret is still the
   * one rotated), then retire the old one. A failure before the swap leaves the old secret in use.
   */
  private async rotate(connection: ConnectionRecord): Promise<UpkeepOutcome> {
    const { store, encryptor, log, clock } = this.options;
    const lease = new CycleLease(store, connection.id);
    if (!(await lease.acquire())) return 'busy';
    const self = new ScimdSelfClient(selfApiBase(connection.targetUrl)!);
    const old = decryptCredential(connection, encryptor);
    if (old.kind !== 'bearer') return 'not-bearer';
    const state = connection.credentialState ?? {};
    try {
      const successor = await self.rotate(old.secret, `scimd provisioning ${connection.name}`);
      const record = { ...connection, credentialExpiresAt: successor.expiresAt };
      try {
        await this.prove(record, successor.secret);
      } catch (error) {
        await self.retire(successor.secret).catch(() => undefined);
        throw error;
      }
      const now = clock().toISOString();
      const swapped = await store.replaceCredential(connection.id, {
        kind: 'bearer',
        encrypted: encryptor.encrypt(JSON.stringify({ kind: 'bearer', secret: successor.secret })),
        expiresAt: successor.expiresAt,
        state: { expirySource: 'target', warned: [], rotatedAt: now },
        updated: now,
        expected: connection.encryptedCredential,
      });
      if (!swapped) {
        await self.retire(successor.secret).catch(() => undefined);
        throw new Error('the credential was replaced by an admin during the rotation; the new secret was retired');
      }
      await self.retire(old.secret).catch((err) => log.warn({ err, connection: connection.name }, `provisioning: rotated the target secret of ${connection.name}, but the old one could not be retired; revoke it on the target`));
      log.info({ connection: connection.name, connectionId: connection.id, secretId: successor.id, expiresAt: successor.expiresAt }, `provisioning: rotated the target secret of ${connection.name}`);
      return 'rotated';
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      log.warn({ connection: connection.name, detail }, `provisioning: self-rotation of the target secret of ${connection.name} failed`);
      await store.setCredentialState(connection.id, { ...state, rotationError: { at: clock().toISOString(), detail } });
      return 'rotation-failed';
    } finally {
      await lease.release();
    }
  }

  /** One authenticated request with the new secret: it must work before the old one goes. */
  private async prove(connection: ConnectionRecord, secret: string): Promise<void> {
    const target = targetClient(connection, { kind: 'bearer', secret }, { retry: { maxAttempts: 2 }, ...this.options.clientOptions });
    try {
      await target.client.search('Users', 'userName eq "scimd-rotation-probe"');
    } finally {
      target.close();
    }
  }
}
