import type { EventDraft } from '../../events/event-types.js';
import { ADMIN_STREAM } from '../../events/system-streams.js';
import type { JsonObject } from '../../scim/json.js';
import type { ActivityBatch, ConnectionStatus, DirectoryActivity, SecretMilestone, SecretRecord } from '../store.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import { secretFromRow, type SecretRow } from './secret-rows.js';
import { appendSystemEvent } from './system-stream-events.js';

/** Appends events inside a transaction (SqlStore's outbox writer). */
export type AppendEvents = (tx: SqlExecutor, directoryId: string, drafts: EventDraft[], now: string) => Promise<void>;

/**
 * The secret-lifecycle and connection-health half of the SQL store. Every once-only step is a
 * conditional UPDATE, so when replicas race exactly one sees a changed row and announces it.
 * Timestamps are ISO-8601 UTC strings of one length, so comparing them as text orders them in time.
 */
export class SqlLifecycle {
  constructor(
    private readonly driver: SqlDriver,
    private readonly appendEvents: AppendEvents,
  ) {}

  /**
   * Two transactions, each locking rows of one table in id order, so a flush never holds a
   * secret while it waits for a directory (or the reverse) and cannot deadlock with another
   * replica's flush or an admin change. The secrets' last use goes first: it only moves forward,
   * so writing it again after a failed flush is harmless; the counters are all in the second.
   */
  async recordActivity(batch: ActivityBatch): Promise<void> {
    if (batch.secrets.length) {
      await this.driver.transaction(async (tx) => {
        for (const use of [...batch.secrets].sort((a, b) => compare(a.secretId, b.secretId))) {
          await tx.run(
            'UPDATE secrets SET last_used_at = $1, last_used_ip = $2, last_used_ua = $3 WHERE id = $4 AND (last_used_at IS NULL OR last_used_at < $1)',
            [use.at, use.ip, use.userAgent, use.secretId],
          );
        }
      });
    }
    if (batch.directories.length) {
      await this.driver.transaction(async (tx) => {
        for (const activity of [...batch.directories].sort((a, b) => compare(a.directoryId, b.directoryId))) {
          await this.addDirectoryActivity(tx, activity);
        }
      });
    }
  }

  async markDirectoryConnected(directoryId: string, at: string, events: EventDraft[]): Promise<boolean> {
    return this.driver.transaction(async (tx) => {
      const changed = await tx.run('UPDATE directories SET first_request_at = $1 WHERE id = $2 AND first_request_at IS NULL', [at, directoryId]);
      if (changed && events.length) await this.appendEvents(tx, directoryId, events, at);
      return changed > 0;
    });
  }

  async quietDirectories(cutoff: string): Promise<{ id: string; lastRequestAt: string }[]> {
    const rows = await this.driver.all<{ id: string; last_request_at: string }>(
      `SELECT id, last_request_at FROM directories
       WHERE last_request_at IS NOT NULL AND last_request_at <= $1 AND (quiet_announced_at IS NULL OR quiet_announced_at < last_request_at)
       ORDER BY id`,
      [cutoff],
    );
    return rows.map((r) => ({ id: r.id, lastRequestAt: r.last_request_at }));
  }

  async claimQuietDirectory(directoryId: string, lastRequestAt: string, events: EventDraft[], now: string): Promise<boolean> {
    return this.driver.transaction(async (tx) => {
      // Only while the spell is the one seen: a request in between moved last_request_at on.
      const changed = await tx.run(
        `UPDATE directories SET quiet_announced_at = $1
         WHERE id = $2 AND last_request_at = $3 AND (quiet_announced_at IS NULL OR quiet_announced_at < last_request_at)`,
        [now, directoryId, lastRequestAt],
      );
      if (changed && events.length) await this.appendEvents(tx, directoryId, events, now);
      return changed > 0;
    });
  }

  async claimSecretMilestone(secretId: string, milestone: SecretMilestone, events: EventDraft[], now: string): Promise<boolean> {
    const [set, condition, params] = milestoneUpdate(milestone);
    return this.driver.transaction(async (tx) => {
      const row = await tx.get<{ directory_id: string | null }>(
        `UPDATE secrets SET ${set} WHERE id = $1 AND ${condition} RETURNING directory_id`,
        [secretId, ...params],
      );
      if (!row) return false;
      if (row.directory_id) {
        if (events.length) await this.appendEvents(tx, row.directory_id, events, now);
      } else {
        // An admin secret: its events go to the admin stream, which global recipients deliver.
        for (const event of events) await appendSystemEvent(tx, this.driver.dialect, ADMIN_STREAM, event, now);
      }
      return true;
    });
  }

  async secretsNearingExpiry(horizon: string): Promise<SecretRecord[]> {
    const rows = await this.driver.all<SecretRow>(
      `SELECT * FROM secrets WHERE revoked_at IS NULL AND expiry_announced_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1
       ORDER BY expires_at, id`,
      [horizon],
    );
    return rows.map(secretFromRow);
  }

  async connectionStatus(directoryId: string): Promise<ConnectionStatus | undefined> {
    const row = await this.driver.get<ConnectionRow>(
      `SELECT id, first_request_at, last_request_at, last_client_ip, last_user_agent, request_count, error_count, rejected_count,
         last_rejected_at, last_rejected_secret_id, last_rejected_reason FROM directories WHERE id = $1`,
      [directoryId],
    );
    if (!row) return undefined;
    return {
      directoryId: row.id,
      firstRequestAt: row.first_request_at,
      lastRequestAt: row.last_request_at,
      lastClientIp: row.last_client_ip,
      lastUserAgent: row.last_user_agent,
      requestCount: Number(row.request_count),
      errorCount: Number(row.error_count),
      rejectedCount: Number(row.rejected_count),
      lastRejectedAt: row.last_rejected_at,
      lastRejectedSecretId: row.last_rejected_secret_id,
      lastRejectedReason: row.last_rejected_reason,
    };
  }

  async directoriesWithSetting(key: string): Promise<{ id: string; settings: JsonObject }[]> {
    const dialect = this.driver.dialect;
    const rows = await this.driver.all<{ id: string; settings: unknown }>(
      `SELECT id, settings FROM directories WHERE ${dialect.jsonType('settings', '$1')} <> 'null' ORDER BY id`,
      [dialect.jsonPath([key])],
    );
    return rows.map((row) => {
      const settings = this.driver.dialect.decodeDocument(row.settings);
      return { id: row.id, settings: settings && typeof settings === 'object' && !Array.isArray(settings) ? (settings as JsonObject) : {} };
    });
  }

  private async addDirectoryActivity(tx: SqlExecutor, activity: DirectoryActivity): Promise<void> {
    const params: unknown[] = [activity.directoryId, activity.requests, activity.errors, activity.rejected];
    const sets = ['request_count = request_count + $2', 'error_count = error_count + $3', 'rejected_count = rejected_count + $4'];
    // Later-than-recorded guards: a replica flushing older activity must not move these back.
    const newer = (column: string, param: string) => `${column} IS NULL OR ${column} < ${param}`;
    if (activity.lastRequest) {
      params.push(activity.lastRequest.at, activity.lastRequest.ip, activity.lastRequest.userAgent);
      const when = newer('last_request_at', '$5');
      sets.push(
        `last_client_ip = CASE WHEN ${when} THEN $6 ELSE last_client_ip END`,
        `last_user_agent = CASE WHEN ${when} THEN $7 ELSE last_user_agent END`,
        `last_request_at = CASE WHEN ${when} THEN $5 ELSE last_request_at END`,
      );
    }
    if (activity.lastRejection) {
      const n = params.length;
      params.push(activity.lastRejection.at, activity.lastRejection.secretId, activity.lastRejection.reason);
      const when = newer('last_rejected_at', `$${n + 1}`);
      sets.push(
        `last_rejected_secret_id = CASE WHEN ${when} THEN $${n + 2} ELSE last_rejected_secret_id END`,
        `last_rejected_reason = CASE WHEN ${when} THEN $${n + 3} ELSE last_rejected_reason END`,
        `last_rejected_at = CASE WHEN ${when} THEN $${n + 1} ELSE last_rejected_at END`,
      );
    }
    await tx.run(`UPDATE directories SET ${sets.join(', ')} WHERE id = $1`, params);
  }
}

/** The SET clause, the condition that makes it once-only, and their parameters (from $2). */
function milestoneUpdate(milestone: SecretMilestone): [string, string, unknown[]] {
  switch (milestone.kind) {
    case 'first_used':
      return ['first_used_at = $2', 'first_used_at IS NULL', [milestone.at]];
    case 'warned':
      return ['warned_days = $2', 'revoked_at IS NULL AND expiry_announced_at IS NULL AND (warned_days IS NULL OR warned_days > $2)', [milestone.days]];
    case 'expired':
      return ['expiry_announced_at = $2', 'revoked_at IS NULL AND expiry_announced_at IS NULL', [milestone.at]];
    case 'rejection_announced':
      return ['rejected_announced_at = $2', '(rejected_announced_at IS NULL OR rejected_announced_at <= $3)', [milestone.at, milestone.previousBefore]];
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface ConnectionRow {
  id: string;
  first_request_at: string | null;
  last_request_at: string | null;
  last_client_ip: string | null;
  last_user_agent: string | null;
  request_count: number | string;
  error_count: number | string;
  rejected_count: number | string;
  last_rejected_at: string | null;
  last_rejected_secret_id: string | null;
  last_rejected_reason: string | null;
  [key: string]: unknown;
}
