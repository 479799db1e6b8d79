import { SYSTEM_STREAMS } from '../../events/system-streams.js';
import type { AuditEntry } from '../store.js';
import type {
  ClaimedStream,
  DeliveryQuery,
  DeliveryRecord,
  NotificationRecipientRecord,
  StreamProgress,
  WebhookRecord,
  WebhookStore,
  WebhookStream,
  WebhookTransaction,
} from '../webhook-store.js';
import { insertAuditEntry } from './sql-admin.js';
import type { SqlDialect } from './sql-dialect.js';
import { fixedStatement } from './fixed-statements.js';
import { SqlParams } from './sql-params.js';
import type { Row, SqlDriver, SqlExecutor } from './sql-driver.js';
import { systemStreamEnd } from './system-stream-events.js';

/** The streams of no directory, as an SQL list of literals (constants, never input). */
const SYSTEM_STREAM_LIST = SYSTEM_STREAMS.map((s) => `'${s}'`).join(', ');

/** The directory's latest sequence; a deleted directory's streams read it from the outbox instead. */
const LATEST_SEQUENCE = `COALESCE((SELECT d.last_sequence FROM directories d WHERE d.id = c.directory_id),
  (SELECT MAX(e.sequence) FROM events e WHERE e.directory_id = c.directory_id), 0)`;
const STREAM_COLUMNS = `c.webhook_id, c.directory_id, c.delivered_sequence, c.attempts, c.next_attempt_at, c.failing_since, c.paused_at,
  c.pause_reason, c.lease_owner, c.lease_until, ${LATEST_SEQUENCE} AS latest_sequence`;

/**
 * Webhooks over SQL (see WebhookStore). Streams are leased with compare-and-set UPDATEs on the
 * lease seen, so across replicas exactly one process delivers a stream at a time, and every
 * attempt's result is written only while its lease still holds.
 */
export class SqlWebhooks implements WebhookStore {
  constructor(
    private readonly driver: SqlDriver,
    private readonly isDeadOwner: (owner: string) => boolean,
  ) {}

  private get dialect(): SqlDialect {
    return this.driver.dialect;
  }

  changeWebhooks<T>(work: (tx: WebhookTransaction) => Promise<T>): Promise<T> {
    return this.driver.transaction((tx) => work(new SqlWebhookTransaction(tx, this.dialect)));
  }

  async findWebhook(id: string): Promise<WebhookRecord | undefined> {
    const row = await this.driver.get<WebhookRow>('SELECT * FROM webhooks WHERE id = $1', [id]);
    return row && webhookFromRow(row, this.dialect);
  }

  async listWebhooks(filter?: { directoryId: string; includeGlobal: boolean }): Promise<WebhookRecord[]> {
    const rows = !filter
      ? await this.driver.all<WebhookRow>('SELECT * FROM webhooks ORDER BY created, id')
      : await this.driver.all<WebhookRow>(
          `SELECT * FROM webhooks WHERE directory_id = $1${filter.includeGlobal ? ' OR directory_id IS NULL' : ''} ORDER BY created, id`,
          [filter.directoryId],
        );
    return rows.map((row) => webhookFromRow(row, this.dialect));
  }

  async findRecipient(id: string): Promise<NotificationRecipientRecord | undefined> {
    const row = await this.driver.get<RecipientRow>('SELECT * FROM notification_recipients WHERE id = $1', [id]);
    return row && recipientFromRow(row);
  }

  async listRecipients(): Promise<NotificationRecipientRecord[]> {
    const rows = await this.driver.all<RecipientRow>('SELECT * FROM notification_recipients ORDER BY created, id');
    return rows.map(recipientFromRow);
  }

  async latestRecipientDeliveries(): Promise<DeliveryRecord[]> {
    // One row per recipient: its highest pk, found on the (webhook_id, pk) index.
    const rows = await this.driver.all<DeliveryRow>(
      `SELECT d.* FROM webhook_deliveries d
       JOIN (SELECT l.webhook_id, MAX(l.pk) AS pk FROM webhook_deliveries l JOIN notification_recipients r ON r.id = l.webhook_id GROUP BY l.webhook_id) latest ON latest.pk = d.pk
       ORDER BY d.webhook_id`,
    );
    return rows.map(deliveryFromRow);
  }

  async listStreams(webhookId: string): Promise<WebhookStream[]> {
    const rows = await this.driver.all<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM webhook_cursors c WHERE c.webhook_id = $1 ORDER BY c.directory_id`, [webhookId]);
    return rows.map(streamFromRow);
  }

  async oldestSequence(directoryId: string): Promise<number | undefined> {
    const row = await this.driver.get<{ oldest: number | string | null }>('SELECT MIN(sequence) AS oldest FROM events WHERE directory_id = $1', [directoryId]);
    return row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
  }

  async claimStreams(owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedStream[]> {
    // The LIMIT as the dialect writes it: a bound one makes SQLite prepare the statement again on every run.
    const params = new SqlParams();
    const candidates = await this.driver.all<StreamRow>(
      fixedStatement(`SELECT ${STREAM_COLUMNS} FROM webhook_cursors c JOIN webhooks w ON w.id = c.webhook_id
       WHERE ${this.dialect.booleanColumnIs('w.enabled', true)} AND c.paused_at IS NULL
         AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= ${params.add(now)})
         AND EXISTS (SELECT 1 FROM events e WHERE e.directory_id = c.directory_id AND e.sequence > c.delivered_sequence)
       ORDER BY c.next_attempt_at, c.webhook_id, c.directory_id LIMIT ${this.dialect.rowLimit(limit * 4, params)}`),
      params.values,
    );
    const claimed: ClaimedStream[] = [];
    for (const row of candidates) {
      if (claimed.length >= limit) break;
      // The owner's own live lease is not free: that stream is being delivered by this process already.
      const free = row.lease_owner === null || (row.lease_until ?? '') < now || (row.lease_owner !== owner && this.isDeadOwner(row.lease_owner));
      if (!free) continue;
      // Compare-and-set on the lease seen: of two processes that saw it free, one changes the row.
      const changed = await this.driver.run(
        `UPDATE webhook_cursors SET lease_owner = $1, lease_until = $2
         WHERE webhook_id = $3 AND directory_id = $4 AND COALESCE(lease_owner, '') = $5 AND COALESCE(lease_until, '') = $6 AND paused_at IS NULL`,
        [owner, leaseUntil, row.webhook_id, row.directory_id, row.lease_owner ?? '', row.lease_until ?? ''],
      );
      if (changed !== 1) continue;
      const webhook = await this.findWebhook(row.webhook_id);
      if (webhook) claimed.push({ stream: { ...streamFromRow(row), leaseOwner: owner, leaseUntil }, webhook });
    }
    return claimed;
  }

  async renewLease(owner: string, webhookId: string, directoryId: string, leaseUntil: string): Promise<boolean> {
    const changed = await this.driver.run('UPDATE webhook_cursors SET lease_until = $1 WHERE webhook_id = $2 AND directory_id = $3 AND lease_owner = $4', [
      leaseUntil,
      webhookId,
      directoryId,
      owner,
    ]);
    return changed === 1;
  }

  recordProgress(owner: string, webhookId: string, directoryId: string, progress: StreamProgress, delivery: DeliveryRecord | null): Promise<boolean> {
    return this.driver.transaction(async (tx) => {
      const key = [webhookId, directoryId, owner];
      let changed: number;
      switch (progress.kind) {
        case 'advanced':
          changed = await tx.run(
            `UPDATE webhook_cursors SET delivered_sequence = $4, attempts = 0, next_attempt_at = NULL, failing_since = NULL
             WHERE webhook_id = $1 AND directory_id = $2 AND lease_owner = $3`,
            [...key, progress.deliveredSequence],
          );
          break;
        case 'retry':
          changed = await tx.run(
            `UPDATE webhook_cursors SET attempts = $4, next_attempt_at = $5, failing_since = $6, lease_owner = NULL, lease_until = NULL
             WHERE webhook_id = $1 AND directory_id = $2 AND lease_owner = $3`,
            [...key, progress.attempts, progress.nextAttemptAt, progress.failingSince],
          );
          break;
        case 'paused':
          changed = await tx.run(
            `UPDATE webhook_cursors SET attempts = $4, next_attempt_at = NULL, failing_since = $5, paused_at = $6, pause_reason = $7,
               lease_owner = NULL, lease_until = NULL
             WHERE webhook_id = $1 AND directory_id = $2 AND lease_owner = $3`,
            [...key, progress.attempts, progress.failingSince, progress.pausedAt, progress.reason],
          );
          break;
      }
      if (changed !== 1) return false;
      if (delivery) await insertDelivery(tx, delivery);
      return true;
    });
  }

  async releaseLeases(owner: string, webhookId?: string, directoryId?: string): Promise<void> {
    if (webhookId === undefined || directoryId === undefined) {
      await this.driver.run('UPDATE webhook_cursors SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [owner]);
      return;
    }
    await this.driver.run('UPDATE webhook_cursors SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND webhook_id = $2 AND directory_id = $3', [
      owner,
      webhookId,
      directoryId,
    ]);
  }

  async addGlobalStreams(): Promise<void> {
    await this.driver.run(
      `INSERT INTO webhook_cursors (webhook_id, directory_id, delivered_sequence, attempts)
       SELECT w.id, d.id, 0, 0 FROM webhooks w CROSS JOIN directories d
       WHERE w.directory_id IS NULL AND NOT EXISTS (SELECT 1 FROM webhook_cursors c WHERE c.webhook_id = w.id AND c.directory_id = d.id)
       ON CONFLICT DO NOTHING`,
    );
    // The streams no directory row stands for (connections, admin secrets), each from its current end.
    for (const stream of SYSTEM_STREAMS) {
      await this.driver.run(
        `INSERT INTO webhook_cursors (webhook_id, directory_id, delivered_sequence, attempts)
         SELECT w.id, $1, ${systemStreamEnd(stream)}, 0 FROM webhooks w
         WHERE w.directory_id IS NULL AND NOT EXISTS (SELECT 1 FROM webhook_cursors c WHERE c.webhook_id = w.id AND c.directory_id = $1)
         ON CONFLICT DO NOTHING`,
        [stream],
      );
    }
  }

  async removeFinishedStreams(): Promise<void> {
    await this.driver.run(
      `DELETE FROM webhook_cursors WHERE webhook_cursors.directory_id NOT IN (${SYSTEM_STREAM_LIST}) AND NOT EXISTS (SELECT 1 FROM directories d WHERE d.id = webhook_cursors.directory_id)
         AND NOT EXISTS (SELECT 1 FROM events e WHERE e.directory_id = webhook_cursors.directory_id AND e.sequence > webhook_cursors.delivered_sequence)`,
    );
  }

  insertDelivery(delivery: DeliveryRecord): Promise<void> {
    return insertDelivery(this.driver, delivery);
  }

  async findDelivery(id: string): Promise<DeliveryRecord | undefined> {
    const row = await this.driver.get<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
    return row && deliveryFromRow(row);
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const params: unknown[] = [query.webhookId];
    const conditions = ['webhook_id = $1'];
    if (query.directoryId !== undefined) {
      params.push(query.directoryId);
      conditions.push(`directory_id = $${params.length}`);
    }
    if (query.outcome !== undefined) {
      params.push(query.outcome);
      conditions.push(`outcome = $${params.length}`);
    }
    if (query.before !== undefined) {
      params.push(query.before);
      conditions.push(`pk < (SELECT pk FROM webhook_deliveries WHERE id = $${params.length})`);
    }
    // As claimStreams: the LIMIT as the dialect writes it.
    const limit = this.dialect.rowLimit(query.limit, { add: (value: unknown) => `$${params.push(value)}` });
    const rows = await this.driver.all<DeliveryRow>(`SELECT * FROM webhook_deliveries WHERE ${conditions.join(' AND ')} ORDER BY pk DESC LIMIT ${limit}`, params);
    return rows.map(deliveryFromRow);
  }

  purgeDeliveries(before: string): Promise<number> {
    return this.driver.run('DELETE FROM webhook_deliveries WHERE at < $1', [before]);
  }

  async backlog(): Promise<{ pending: number; paused: number }> {
    const row = await this.driver.get<{ pending: number | string | null; paused: number | string | null }>(
      `SELECT SUM(CASE WHEN c.paused_at IS NULL THEN COALESCE(d.last_sequence, c.delivered_sequence) - c.delivered_sequence ELSE 0 END) AS pending,
              SUM(CASE WHEN c.paused_at IS NULL THEN 0 ELSE 1 END) AS paused
       FROM webhook_cursors c JOIN webhooks w ON w.id = c.webhook_id LEFT JOIN directories d ON d.id = c.directory_id
       WHERE ${this.dialect.booleanColumnIs('w.enabled', true)}`,
    );
    return { pending: Number(row?.pending ?? 0), paused: Number(row?.paused ?? 0) };
  }
}

/** One webhook change's statements. */
class SqlWebhookTransaction implements WebhookTransaction {
  constructor(
    private readonly tx: SqlExecutor,
    private readonly dialect: SqlDialect,
  ) {}

  async insertWebhook(webhook: WebhookRecord): Promise<void> {
    await this.tx.run(
      `INSERT INTO webhooks (id, directory_id, url, description, event_types, format, secrets, enabled, created, updated)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        webhook.id,
        webhook.directoryId,
        webhook.url,
        webhook.description,
        this.dialect.encodeDocument(webhook.eventTypes),
        webhook.format,
        webhook.secrets,
        this.dialect.booleanParam(webhook.enabled),
        webhook.created,
        webhook.updated,
      ],
    );
    // A new webhook receives what happens from now on; earlier events can be replayed on request.
    await this.tx.run(
      `INSERT INTO webhook_cursors (webhook_id, directory_id, delivered_sequence, attempts)
       SELECT CAST($1 AS TEXT), d.id, d.last_sequence, 0 FROM directories d WHERE CAST($2 AS TEXT) IS NULL OR d.id = $2`,
      [webhook.id, webhook.directoryId],
    );
    if (webhook.directoryId === null) {
      for (const stream of SYSTEM_STREAMS) {
        await this.tx.run(`INSERT INTO webhook_cursors (webhook_id, directory_id, delivered_sequence, attempts) VALUES (CAST($1 AS TEXT), CAST($2 AS TEXT), ${systemStreamEnd(stream)}, 0)`, [
          webhook.id,
          stream,
        ]);
      }
    }
  }

  async lockWebhook(id: string): Promise<WebhookRecord | undefined> {
    const row = await this.tx.get<WebhookRow>(`SELECT * FROM webhooks WHERE id = $1${this.dialect.forUpdate}`, [id]);
    return row && webhookFromRow(row, this.dialect);
  }

  async updateWebhook(webhook: WebhookRecord): Promise<void> {
    await this.tx.run('UPDATE webhooks SET url = $2, description = $3, event_types = $4, format = $5, secrets = $6, enabled = $7, updated = $8 WHERE id = $1', [
      webhook.id,
      webhook.url,
      webhook.description,
      this.dialect.encodeDocument(webhook.eventTypes),
      webhook.format,
      webhook.secrets,
      this.dialect.booleanParam(webhook.enabled),
      webhook.updated,
    ]);
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.tx.run('DELETE FROM webhooks WHERE id = $1', [id]);
  }

  async resetStream(webhookId: string, directoryId: string, deliveredSequence: number): Promise<void> {
    await this.tx.run(
      `INSERT INTO webhook_cursors (webhook_id, directory_id, delivered_sequence, attempts) VALUES ($1, $2, $3, 0)
       ON CONFLICT (webhook_id, directory_id) DO UPDATE SET delivered_sequence = $3, attempts = 0, next_attempt_at = NULL, failing_since = NULL,
         paused_at = NULL, pause_reason = NULL, lease_owner = NULL, lease_until = NULL`,
      [webhookId, directoryId, deliveredSequence],
    );
  }

  async insertRecipient(r: NotificationRecipientRecord): Promise<void> {
    await this.tx.run('INSERT INTO notification_recipients (id, channel, address, label, created) VALUES ($1, $2, $3, $4, $5)', [r.id, r.channel, r.address, r.label, r.created]);
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return insertAuditEntry(this.tx, this.dialect, entry);
  }
}

async function insertDelivery(executor: SqlExecutor, d: DeliveryRecord): Promise<void> {
  await executor.run(
    `INSERT INTO webhook_deliveries (id, webhook_id, directory_id, event_id, event_type, sequence, attempt, at, status_code, duration_ms, error, response_excerpt, outcome, kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [d.id, d.webhookId, d.directoryId, d.eventId, d.eventType, d.sequence, d.attempt, d.at, d.statusCode, d.durationMs, d.error, d.responseExcerpt, d.outcome, d.kind],
  );
}

interface WebhookRow extends Row {
  id: string;
  directory_id: string | null;
  url: string;
  description: string;
  event_types: unknown;
  format: string;
  secrets: string;
  enabled: boolean | number;
  created: string;
  updated: string | null;
}

function webhookFromRow(row: WebhookRow, dialect: SqlDialect): WebhookRecord {
  return {
    id: row.id,
    directoryId: row.directory_id,
    url: row.url,
    description: row.description,
    eventTypes: dialect.decodeDocument(row.event_types) as string[],
    format: row.format as WebhookRecord['format'],
    secrets: row.secrets,
    enabled: row.enabled === true || row.enabled === 1,
    created: row.created,
    updated: row.updated,
  };
}

interface StreamRow extends Row {
  webhook_id: string;
  directory_id: string;
  delivered_sequence: number | string;
  attempts: number | string;
  next_attempt_at: string | null;
  failing_since: string | null;
  paused_at: string | null;
  pause_reason: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  latest_sequence: number | string;
}

function streamFromRow(row: StreamRow): WebhookStream {
  return {
    webhookId: row.webhook_id,
    directoryId: row.directory_id,
    deliveredSequence: Number(row.delivered_sequence),
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    failingSince: row.failing_since,
    pausedAt: row.paused_at,
    pauseReason: row.pause_reason,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    latestSequence: Number(row.latest_sequence),
  };
}

interface DeliveryRow extends Row {
  id: string;
  webhook_id: string;
  directory_id: string;
  event_id: string;
  event_type: string;
  sequence: number | string;
  attempt: number | string;
  at: string;
  status_code: number | string | null;
  duration_ms: number | string;
  error: string | null;
  response_excerpt: string | null;
  outcome: string;
  kind: string;
}

function deliveryFromRow(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    directoryId: row.directory_id,
    eventId: row.event_id,
    eventType: row.event_type,
    sequence: Number(row.sequence),
    attempt: Number(row.attempt),
    at: row.at,
    statusCode: row.status_code === null ? null : Number(row.status_code),
    durationMs: Number(row.duration_ms),
    error: row.error,
    responseExcerpt: row.response_excerpt,
    outcome: row.outcome as DeliveryRecord['outcome'],
    kind: row.kind as DeliveryRecord['kind'],
  };
}

interface RecipientRow extends Row {
  id: string;
  channel: string;
  address: string;
  label: string;
  created: string;
}

function recipientFromRow(row: RecipientRow): NotificationRecipientRecord {
  return { id: row.id, channel: row.channel as NotificationRecipientRecord['channel'], address: row.address, label: row.label, created: row.created };
}
