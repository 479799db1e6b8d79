import { randomId } from '../../auth/secret-format.js';
import type { EventDraft } from '../../events/event-types.js';
import type { SystemStream } from '../../events/system-streams.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-driver.js';

/**
 * The `settings` row that numbers each stream of no directory. A counter (not MAX(sequence)),
 * so a stream's numbers never go back when retention deletes its old events.
 */
const COUNTER_KEYS: Record<SystemStream, string> = {
  connections: 'connection_events_sequence',
  admin: 'admin_events_sequence',
};

/** SQL for where a stream of no directory ends now: a new global cursor starts there. */
export function systemStreamEnd(stream: SystemStream): string {
  return `COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '${COUNTER_KEYS[stream]}'), 0)`;
}

/** The last sequence written to a stream of no directory (0 before its first event). */
export async function systemStreamSequence(executor: SqlExecutor, stream: SystemStream): Promise<number> {
  const counter = await executor.get<{ value: string }>('SELECT value FROM settings WHERE key = $1', [COUNTER_KEYS[stream]]);
  return Number(counter?.value ?? 0);
}

/**
 * Numbers an event in a stream of no directory and stores it, inside the caller's transaction.
 * The counter row's lock orders concurrent writers on PostgreSQL (SQLite serialises writers already).
 */
export async function appendSystemEvent(tx: SqlExecutor, dialect: SqlDialect, stream: SystemStream, event: EventDraft, occurredAt: string): Promise<void> {
  const row = await tx.get<{ value: string }>(
    `INSERT INTO settings (key, value) VALUES ($1, '1')
     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT) RETURNING value`,
    [COUNTER_KEYS[stream]],
  );
  await tx.run(
    `INSERT INTO events (id, directory_id, sequence, type, subject_type, subject_id, subject_version, occurred_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [randomId('evt'), stream, Number(row!.value), event.type, event.subject.type, event.subject.id, event.subject.version ?? null, occurredAt, dialect.encodeDocument(event.data)],
  );
}
