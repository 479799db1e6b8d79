import { secretState } from '../auth/secrets.js';
import type { SecretRecord, Store } from '../store/store.js';
import type { ActivityRecorder, ClientInfo } from './activity-recorder.js';
import { authRejected, directoryConnected, secretFirstUsed, type CredentialRoute } from './lifecycle-events.js';
import type { LifecycleLogger } from './lifecycle-logger.js';

/** `auth.rejected` is announced at most this often per secret, across all replicas. */
export const REJECTION_ANNOUNCE_INTERVAL_MS = 3_600_000;

/**
 * What one use of a secret means for its lifecycle: the first use of a secret (a rotation under
 * way when older ones are active), the first request of a directory (connected), and uses of an
 * expired or revoked secret (the silent outage scimd exists to prevent). Once-only steps are
 * decided by conditional UPDATEs in the store; this class only keeps each process from asking
 * again, so after the first time they cost nothing per request.
 */
export class SecretUsage {
  private readonly connected = new Set<string>();
  private readonly firstUses = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly rejectionAttempts = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly activity: ActivityRecorder,
    private readonly log: LifecycleLogger,
  ) {}

  /** A request (or token request) authenticated with an active secret. */
  async accepted(secret: SecretRecord, client: ClientInfo): Promise<void> {
    this.activity.secretUsed(secret.id, client);
    if (secret.firstUsedAt || this.firstUses.has(secret.id)) return;
    await this.once(`first:${secret.id}`, async () => {
      await this.recordFirstUse(secret, client);
      this.firstUses.add(secret.id);
    });
  }

  /** A SCIM request reached a directory: the first one anywhere marks it connected. */
  async reached(directoryId: string, secret: SecretRecord, client: ClientInfo): Promise<void> {
    if (this.connected.has(directoryId)) return;
    await this.once(`connect:${directoryId}`, async () => {
      const at = client.at.toISOString();
      if (await this.store.markDirectoryConnected(directoryId, at, [directoryConnected(directoryId, secret, client)])) {
        this.log.info({ directoryId, secretId: secret.id, clientIp: client.ip }, 'directory connected: first authenticated request');
      }
      this.connected.add(directoryId);
    });
  }

  /**
   * A request with an expired or revoked secret (a client secret, or an admin secret at the admin
   * API or console sign-in): counted on its directory if it has one, and announced as
   * `auth.rejected` with a warning at most once an hour per secret.
   */
  async rejected(secret: SecretRecord, reason: 'expired' | 'revoked', route: CredentialRoute, client: ClientInfo): Promise<void> {
    if (secret.directoryId) this.activity.rejected(secret.directoryId, secret.id, reason, client);
    const now = client.at.getTime();
    const lastAttempt = this.rejectionAttempts.get(secret.id);
    if (lastAttempt !== undefined && now - lastAttempt < REJECTION_ANNOUNCE_INTERVAL_MS && now >= lastAttempt) return;
    this.rejectionAttempts.set(secret.id, now);
    const at = client.at.toISOString();
    const milestone = { kind: 'rejection_announced' as const, at, previousBefore: new Date(now - REJECTION_ANNOUNCE_INTERVAL_MS).toISOString() };
    let claimed: boolean;
    try {
      claimed = await this.store.claimSecretMilestone(secret.id, milestone, [authRejected(secret, reason, route, client)], at);
    } catch (err) {
      this.rejectionAttempts.delete(secret.id); // the next rejected request tries again
      throw err;
    }
    if (!claimed) return;
    const since = reason === 'expired' ? secret.expiresAt : secret.revokedAt;
    const [what, who] = secret.directoryId ? ['a client secret', 'the identity provider needs'] : ['an admin secret', 'whatever sends it needs'];
    this.log.warn(
      { directoryId: secret.directoryId, secretId: secret.id, secretName: secret.name, reason, since, via: route, clientIp: client.ip, userAgent: client.userAgent },
      `refused a request with ${what} that ${reason === 'expired' ? 'expired' : 'was revoked'} at ${since}; ${who} a current secret`,
    );
  }

  private async recordFirstUse(secret: SecretRecord, client: ClientInfo): Promise<void> {
    const olderActive = secret.directoryId
      ? (await this.store.listSecrets(secret.directoryId)).filter(
          (s) => s.id !== secret.id && s.created <= secret.created && secretState(s, client.at) === 'active',
        )
      : [];
    const at = client.at.toISOString();
    if (await this.store.claimSecretMilestone(secret.id, { kind: 'first_used', at }, [secretFirstUsed(secret, olderActive, client)], at)) {
      this.log.info(
        { directoryId: secret.directoryId, secretId: secret.id, secretName: secret.name, rotation: olderActive.length > 0, clientIp: client.ip },
        olderActive.length ? 'a new client secret carries traffic while older ones are active: rotation under way' : 'client secret used for the first time',
      );
    }
  }

  /** Runs `work` once per key at a time in this process; concurrent callers wait for the same run. */
  private once(key: string, work: () => Promise<void>): Promise<void> {
    let run = this.pending.get(key);
    if (!run) {
      run = work().finally(() => this.pending.delete(key));
      this.pending.set(key, run);
    }
    return run;
  }
}
