import { effectiveSettings } from '../admin/directory-settings.js';
import { secretTargetName } from '../admin/audit-target-name.js';
import { secretState } from '../auth/secrets.js';
import { randomId } from '../auth/secret-format.js';
import type { SecretRecord, Store } from '../store/store.js';
import { secretsToAutoRevoke } from './auto-rotation.js';
import { dueWarning, warningHorizon } from './expiry-warnings.js';
import { AUTO_ROTATION_ACTOR, directoryQuiet, secretKind, secretAutoRevoked, secretExpired, secretExpiring } from './lifecycle-events.js';
import type { LifecycleLogger } from './lifecycle-logger.js';

export interface SweeperOptions {
  store: Store;
  log: LifecycleLogger;
  clock: () => Date;
  /** Days before expiry at which each secret is announced as expiring. */
  warningDays: number[];
  /** Events older than this are deleted from the outbox. */
  eventRetentionMs: number;
  /** A directory with traffic and none for this long is announced once (`directory.quiet`); 0 or absent: never. */
  quietAfterMs?: number;
  /** Runs first, so decisions see this process's latest activity (the activity flush). */
  beforeSweep?: () => Promise<void>;
}

/** What one sweep did, for tests and debug logs. */
export interface SweepReport {
  warned: number;
  expired: number;
  revoked: number;
  quiet: number;
  purgedEvents: number;
}

/**
 * The minute-by-minute lifecycle work of `scimd serve`: expiry warnings, expiry announcements,
 * the opt-in revocation of superseded secrets, and the outbox retention. Every replica runs it;
 * each announcement is a conditional UPDATE in the store, so exactly one replica makes it.
 */
export class LifecycleSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly options: SweeperOptions) {}

  /** One sweep at `now` (the injectable clock by default). */
  async runOnce(now: Date = this.options.clock()): Promise<SweepReport> {
    await this.options.beforeSweep?.().catch(() => undefined);
    const report: SweepReport = { warned: 0, expired: 0, revoked: 0, quiet: 0, purgedEvents: 0 };
    await this.announceExpiry(now, report);
    await this.announceQuiet(now, report);
    await this.autoRevoke(now, report);
    const cutoff = new Date(now.getTime() - this.options.eventRetentionMs).toISOString();
    report.purgedEvents = await this.options.store.purgeEvents(cutoff);
    return report;
  }

  /** Sweeps now and then every `intervalMs` until `stop()`; a sweep still running is not overlapped. */
  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((err) => this.options.log.error({ err }, 'secret lifecycle sweep failed'))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async announceExpiry(now: Date, report: SweepReport): Promise<void> {
    const { store, log, warningDays } = this.options;
    const at = now.toISOString();
    for (const secret of await store.secretsNearingExpiry(warningHorizon(warningDays, now).toISOString())) {
      const context = { directoryId: secret.directoryId, secretId: secret.id, secretName: secret.name, suffix: secret.suffix, expiresAt: secret.expiresAt };
      if (Date.parse(secret.expiresAt!) <= now.getTime()) {
        const expired = secretExpired(secret);
        if (await store.claimSecretMilestone(secret.id, { kind: 'expired', at }, [expired], at)) {
          report.expired += 1;
          log.warn(context, `${secretKind(secret)} "${secret.name}" expired at ${secret.expiresAt}; requests with it are refused`);
        }
        continue;
      }
      const due = dueWarning(secret.expiresAt!, secret.warnedDays ?? null, warningDays, now);
      if (!due) continue;
      const newerInUse = await this.newerSecretInUse(secret, now);
      const expiring = secretExpiring(secret, due, newerInUse);
      if (await store.claimSecretMilestone(secret.id, { kind: 'warned', days: due.thresholdDays }, [expiring], at)) {
        report.warned += 1;
        log.warn(
          { ...context, daysLeft: due.daysLeft, newerSecretInUse: newerInUse },
          `${secretKind(secret)} "${secret.name}" expires in ${due.daysLeft} day${due.daysLeft === 1 ? '' : 's'}` +
            (newerInUse ? '; a newer secret already carries traffic' : secret.directoryId ? '; create a new one and update the identity provider' : '; create a new one and replace it where it is used'),
        );
      }
    }
  }

  /** Directories that had traffic and went quiet: announced once per quiet spell, by whichever replica claims it. */
  private async announceQuiet(now: Date, report: SweepReport): Promise<void> {
    const { store, log, quietAfterMs } = this.options;
    if (!quietAfterMs) return;
    const at = now.toISOString();
    for (const directory of await store.quietDirectories(new Date(now.getTime() - quietAfterMs).toISOString())) {
      const quietFor = now.getTime() - Date.parse(directory.lastRequestAt);
      if (await store.claimQuietDirectory(directory.id, directory.lastRequestAt, [directoryQuiet(directory.id, directory.lastRequestAt, quietFor)], at)) {
        report.quiet += 1;
        log.warn({ directoryId: directory.id, lastRequestAt: directory.lastRequestAt }, `directory ${directory.id} has had no request since ${directory.lastRequestAt}; provisioning may have stopped`);
      }
    }
  }

  private async autoRevoke(now: Date, report: SweepReport): Promise<void> {
    const { store, log } = this.options;
    for (const directory of await store.directoriesWithSetting('autoRevokeGraceHours')) {
      const graceHours = effectiveSettings(directory.settings).autoRevokeGraceHours;
      if (!graceHours) continue;
      for (const { secret, successor } of secretsToAutoRevoke(await store.listSecrets(directory.id), graceHours, now)) {
        if (await revokeSuperseded(store, directory.id, secret.id, graceHours, now)) {
          report.revoked += 1;
          log.warn(
            { directoryId: directory.id, secretId: secret.id, secretName: secret.name, successorId: successor.id, graceHours },
            `revoked client secret "${secret.name}": newer secret "${successor.name}" has carried traffic for ${graceHours} hours`,
          );
        }
      }
    }
  }

  private async newerSecretInUse(secret: SecretRecord, now: Date): Promise<boolean> {
    if (!secret.directoryId) return false;
    const secrets = await this.options.store.listSecrets(secret.directoryId);
    return secrets.some((s) => s.id !== secret.id && s.created >= secret.created && s.firstUsedAt && secretState(s, now) === 'active');
  }
}

/**
 * Revokes a superseded secret as an administrative change by `system:auto-rotation`: the secret
 * row is locked and the decision taken again on what is committed, so a replica that saw the old
 * secret used a moment ago, or an admin who revoked it first, wins; the event and the audit entry
 * are written with the revocation or not at all.
 */
async function revokeSuperseded(store: Store, directoryId: string, secretId: string, graceHours: number, now: Date): Promise<boolean> {
  const at = now.toISOString();
  return store.administer(async (tx) => {
    if (!(await tx.lockSecret(secretId))) return false;
    const due = secretsToAutoRevoke(await tx.listSecrets(directoryId), graceHours, now).find((r) => r.secret.id === secretId);
    if (!due || !(await tx.revokeSecret(secretId, at))) return false;
    const revoked = { ...due.secret, revokedAt: at };
    await tx.appendEvents(directoryId, [secretAutoRevoked(revoked, due.successor, graceHours, now)], at);
    await tx.appendAudit({
      id: randomId('aud'),
      at,
      actor: AUTO_ROTATION_ACTOR,
      actorIp: null,
      action: 'secret.revoked',
      targetType: 'secret',
      targetId: secretId,
      targetName: secretTargetName(revoked),
      directoryId,
      detail: { name: revoked.name, suffix: revoked.suffix, reason: 'auto-rotation', successorId: due.successor.id, graceHours },
    });
    return true;
  });
}
