import { CONNECTION_STREAM, type ConnectionEventDraft } from '../../events/connection-events.js';
import { insertAuditEntry } from '../../store/sql/sql-admin.js';
import { appendSystemEvent } from '../../store/sql/system-stream-events.js';
import type { AuditEntry } from '../../store/store.js';
import { foldCase } from '../../scim/compare.js';
import { conflict } from '../../scim/errors.js';
import type { SqlDriver, SqlExecutor } from '../../store/sql/sql-driver.js';
import type { ConnectionRecord, CredentialState, Quarantine, TargetCredential, TargetProfile } from '../connections/connection.js';
import type { ObjectState, ObjectType } from '../planner/object-state.js';
import type { Store } from '../../store/store.js';
import { SqlStore } from '../../store/sql/sql-store.js';
import type { ConnectionStore, CycleRecord, CycleStatus, CycleSummary, LogEntry, LogQuery, SourceCache, SourceCacheChange, StateBatch } from './connection-store.js';

/** Rows per multi-row statement: well under both databases' parameter limits. */
const ROWS_PER_STATEMENT = 200;

type Row = Record<string, unknown>;

/**
 * The ConnectionStore over SQL, for SQLite and PostgreSQL alike: the tables (schema version 5
 * in both migration files) use only TEXT and INTEGER columns and JSON kept as text, so one
 * statement text serves both databases.
 */
export class SqlConnectionStore implements ConnectionStore {
  constructor(
    private readonly driver: SqlDriver,
    /** False when the driver is the server's own connection, which the server closes. */
    private readonly options: { ownsDriver: boolean } = { ownsDriver: true },
  ) {}

  appendAudit(entry: AuditEntry): Promise<void> {
    return insertAuditEntry(this.driver, this.driver.dialect, entry);
  }

  async createConnection(c: ConnectionRecord): Promise<void> {
    try {
      await this.driver.run(
        `INSERT INTO provisioning_connections (id, name, name_key, source, target_url, credential_kind, credential, credential_expires_at, mappings, scoping, settings, created, updated, credential_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [...connectionParams(c), c.credentialState ? JSON.stringify(c.credentialState) : null],
      );
    } catch (error) {
      if (this.driver.dialect.isUniqueViolation(error)) throw conflict(`A connection named ${JSON.stringify(c.name)} already exists`);
      throw error;
    }
  }

  async updateConnection(c: ConnectionRecord): Promise<void> {
    await this.driver.run(
      `UPDATE provisioning_connections SET name = $2, name_key = $3, source = $4, target_url = $5, credential_kind = $6, credential = $7,
         credential_expires_at = $8, mappings = $9, scoping = $10, settings = $11, created = $12, updated = $13 WHERE id = $1`,
      connectionParams(c),
    );
  }

  async findConnection(idOrName: string): Promise<ConnectionRecord | undefined> {
    const row = await this.driver.get(
      'SELECT * FROM provisioning_connections WHERE id = $1 OR name_key = $2 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END LIMIT 1',
      [idOrName, foldCase(idOrName)],
    );
    return row && connectionFromRow(row);
  }

  async listConnections(): Promise<ConnectionRecord[]> {
    return (await this.driver.all('SELECT * FROM provisioning_connections ORDER BY name_key')).map(connectionFromRow);
  }

  async deleteConnection(id: string): Promise<boolean> {
    return this.driver.transaction(async (tx) => {
      for (const table of ['provisioning_log', 'provisioning_cycles', 'provisioning_memberships', 'provisioning_objects', 'provisioning_source_records', 'provisioning_source_state']) {
        await tx.run(`DELETE FROM ${table} WHERE connection_id = $1`, [id]);
      }
      return (await tx.run('DELETE FROM provisioning_connections WHERE id = $1', [id])) > 0;
    });
  }

  async setQuarantine(connectionId: string, quarantine: Quarantine | null, event?: ConnectionEventDraft): Promise<void> {
    await this.driver.transaction(async (tx) => {
      await tx.run('UPDATE provisioning_connections SET quarantine = $1 WHERE id = $2', [quarantine ? JSON.stringify(quarantine) : null, connectionId]);
      if (event) await this.insertConnectionEvent(tx, event);
    });
  }

  async appendConnectionEvent(event: ConnectionEventDraft): Promise<void> {
    await this.driver.transaction((tx) => this.insertConnectionEvent(tx, event));
  }

  /** Numbers the event in the connections stream and stores it (see appendSystemEvent). */
  private insertConnectionEvent(tx: SqlExecutor, event: ConnectionEventDraft): Promise<void> {
    const { occurredAt, ...draft } = event;
    return appendSystemEvent(tx, this.driver.dialect, CONNECTION_STREAM, draft, occurredAt);
  }

  async setAllowDeletes(connectionId: string, allow: boolean): Promise<void> {
    await this.driver.run('UPDATE provisioning_connections SET allow_deletes = $1 WHERE id = $2', [allow ? 1 : 0, connectionId]);
  }

  async setCredentialState(connectionId: string, state: CredentialState | null): Promise<void> {
    await this.driver.run('UPDATE provisioning_connections SET credential_state = $1 WHERE id = $2', [state ? JSON.stringify(state) : null, connectionId]);
  }

  async setTargetProfile(connectionId: string, profile: TargetProfile | null): Promise<void> {
    await this.driver.run('UPDATE provisioning_connections SET target_profile = $1 WHERE id = $2', [profile ? JSON.stringify(profile) : null, connectionId]);
  }

  async replaceCredential(connectionId: string, c: { kind: TargetCredential['kind']; encrypted: string; expiresAt: string | null; state: CredentialState | null; updated: string; expected?: string }): Promise<boolean> {
    const changed = await this.driver.run(
      `UPDATE provisioning_connections SET credential_kind = $1, credential = $2, credential_expires_at = $3, credential_state = $4, updated = $5
         WHERE id = $6${c.expected !== undefined ? ' AND credential = $7' : ''}`,
      [c.kind, c.encrypted, c.expiresAt, c.state ? JSON.stringify(c.state) : null, c.updated, connectionId, ...(c.expected !== undefined ? [c.expected] : [])],
    );
    return changed === 1;
  }

  async nextEscrowRetry(connectionId: string): Promise<string | null> {
    const row = await this.driver.get<{ due: string | null }>('SELECT MIN(retry_at) AS due FROM provisioning_objects WHERE connection_id = $1 AND failures > 0 AND retry_at IS NOT NULL', [connectionId]);
    return row?.due ?? null;
  }

  async acquireLease(connectionId: string, owner: string, until: string, now: string, isDead: (owner: string) => boolean): Promise<boolean> {
    const row = await this.driver.get<{ lease_owner: string | null; lease_until: string | null }>(
      'SELECT lease_owner, lease_until FROM provisioning_connections WHERE id = $1',
      [connectionId],
    );
    if (!row) return false;
    const free = row.lease_owner === null || row.lease_owner === owner || (row.lease_until ?? '') < now || isDead(row.lease_owner);
    if (!free) return false;
    // Compare-and-set on the owner seen, so two processes cannot both take it.
    const changed = await this.driver.run(
      "UPDATE provisioning_connections SET lease_owner = $1, lease_until = $2 WHERE id = $3 AND COALESCE(lease_owner, '') = $4",
      [owner, until, connectionId, row.lease_owner ?? ''],
    );
    return changed === 1;
  }

  async renewLease(connectionId: string, owner: string, until: string): Promise<boolean> {
    return (await this.driver.run('UPDATE provisioning_connections SET lease_until = $1 WHERE id = $2 AND lease_owner = $3', [until, connectionId, owner])) === 1;
  }

  async releaseLease(connectionId: string, owner: string): Promise<void> {
    await this.driver.run('UPDATE provisioning_connections SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2', [connectionId, owner]);
  }

  async loadObjects(connectionId: string): Promise<ObjectState[]> {
    const rows = await this.driver.all('SELECT * FROM provisioning_objects WHERE connection_id = $1', [connectionId]);
    return rows.map((r) => ({
      type: r.object_type as ObjectType,
      key: String(r.source_key),
      targetId: (r.target_id as string | null) ?? null,
      ownership: (r.ownership as ObjectState['ownership']) ?? null,
      phase: r.phase as ObjectState['phase'],
      sent: JSON.parse(String(r.sent)),
      managerKey: (r.manager_key as string | null) ?? null,
      goneSince: (r.gone_since as string | null) ?? null,
      failures: Number(r.failures),
      lastError: (r.last_error as string | null) ?? null,
      retryAt: (r.retry_at as string | null) ?? null,
    }));
  }

  async loadMemberships(connectionId: string): Promise<{ group: string; member: string }[]> {
    const rows = await this.driver.all<{ group_key: string; member_key: string }>(
      'SELECT group_key, member_key FROM provisioning_memberships WHERE connection_id = $1',
      [connectionId],
    );
    return rows.map((r) => ({ group: r.group_key, member: r.member_key }));
  }

  async commit(connectionId: string, batch: StateBatch): Promise<void> {
    const now = new Date().toISOString();
    await this.driver.transaction(async (tx) => {
      const upserts = [...new Map(batch.upserts.map((s) => [`${s.type}:${s.key}`, s])).values()];
      await insertRows(
        tx,
        'provisioning_objects (connection_id, object_type, source_key, target_id, ownership, phase, sent, manager_key, gone_since, failures, last_error, retry_at, updated)',
        upserts.map((s) => [connectionId, s.type, s.key, s.targetId, s.ownership, s.phase, JSON.stringify(s.sent), s.managerKey, s.goneSince, s.failures, s.lastError, s.failures > 0 ? s.retryAt ?? null : null, now]),
        `ON CONFLICT (connection_id, object_type, source_key) DO UPDATE SET target_id = excluded.target_id, ownership = excluded.ownership,
           phase = excluded.phase, sent = excluded.sent, manager_key = excluded.manager_key, gone_since = excluded.gone_since,
           failures = excluded.failures, last_error = excluded.last_error, retry_at = excluded.retry_at, updated = excluded.updated`,
      );
      for (const d of batch.deletes) {
        await tx.run('DELETE FROM provisioning_objects WHERE connection_id = $1 AND object_type = $2 AND source_key = $3', [connectionId, d.type, d.key]);
        if (d.type === 'Group') await tx.run('DELETE FROM provisioning_memberships WHERE connection_id = $1 AND group_key = $2', [connectionId, d.key]);
      }
      for (const member of batch.membershipRemovesOfMember) {
        await tx.run('DELETE FROM provisioning_memberships WHERE connection_id = $1 AND member_key = $2', [connectionId, member]);
      }
      for (const m of batch.membershipRemoves) {
        await tx.run('DELETE FROM provisioning_memberships WHERE connection_id = $1 AND group_key = $2 AND member_key = $3', [connectionId, m.group, m.member]);
      }
      await insertRows(
        tx,
        'provisioning_memberships (connection_id, group_key, member_key)',
        batch.membershipAdds.map((m) => [connectionId, m.group, m.member]),
        'ON CONFLICT (connection_id, group_key, member_key) DO NOTHING',
      );
      await insertRows(
        tx,
        'provisioning_log (connection_id, cycle_id, at, object_type, source_key, origin, target_id, action, result, status, detail, changes)',
        batch.log.map((e) => [connectionId, e.cycleId, e.at, e.type, e.key, e.origin ?? null, e.targetId, e.action, e.result, e.status, e.detail, e.changes === undefined || e.changes === null ? null : JSON.stringify(e.changes)]),
        '',
      );
    });
  }

  async startCycle(cycle: CycleRecord): Promise<void> {
    await this.driver.run(
      'INSERT INTO provisioning_cycles (id, connection_id, started_at, finished_at, dry_run, status, summary, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [cycle.id, cycle.connectionId, cycle.startedAt, cycle.finishedAt, cycle.dryRun ? 1 : 0, cycle.status, JSON.stringify(cycle.summary), cycle.message],
    );
  }

  async finishCycle(id: string, status: CycleStatus, finishedAt: string, summary: CycleSummary | null, message: string | null): Promise<void> {
    await this.driver.run('UPDATE provisioning_cycles SET status = $2, finished_at = $3, summary = $4, message = $5 WHERE id = $1', [
      id,
      status,
      finishedAt,
      JSON.stringify(summary),
      message,
    ]);
  }

  async interruptRunningCycles(connectionId: string): Promise<number> {
    return this.driver.run("UPDATE provisioning_cycles SET status = 'interrupted' WHERE connection_id = $1 AND status = 'running'", [connectionId]);
  }

  async listCycles(connectionId: string, limit: number): Promise<CycleRecord[]> {
    const rows = await this.driver.all('SELECT * FROM provisioning_cycles WHERE connection_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2', [connectionId, limit]);
    return rows.map(cycleFromRow);
  }

  async findCycle(id: string): Promise<CycleRecord | undefined> {
    const row = await this.driver.get('SELECT * FROM provisioning_cycles WHERE id = $1', [id]);
    return row && cycleFromRow(row);
  }

  async readLog(connectionId: string, query: LogQuery): Promise<LogEntry[]> {
    const conditions = ['connection_id = $1'];
    const params: unknown[] = [connectionId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (query.cycleId) add('cycle_id = ?', query.cycleId);
    if (query.key) add('source_key = ?', foldCase(query.key));
    if (query.result) add('result = ?', query.result);
    if (query.action) add('action = ?', query.action);
    if (query.before !== undefined) add('pk < ?', query.before);
    params.push(query.limit);
    const rows = await this.driver.all(`SELECT * FROM provisioning_log WHERE ${conditions.join(' AND ')} ORDER BY pk DESC LIMIT $${params.length}`, params);
    return rows.reverse().map((r) => ({
      cycleId: String(r.cycle_id),
      at: String(r.at),
      type: r.object_type as ObjectType,
      key: String(r.source_key),
      origin: (r.origin as string | null) ?? null,
      targetId: (r.target_id as string | null) ?? null,
      action: String(r.action),
      result: r.result as LogEntry['result'],
      status: r.status === null || r.status === undefined ? null : Number(r.status),
      detail: (r.detail as string | null) ?? null,
      changes: r.changes === null || r.changes === undefined ? null : JSON.parse(String(r.changes)),
      seq: Number(r.pk),
    }));
  }

  async loadSourceCache(connectionId: string): Promise<SourceCache> {
    const state = await this.driver.get<{ state: string }>('SELECT state FROM provisioning_source_state WHERE connection_id = $1', [connectionId]);
    const rows = await this.driver.all<{ object_type: string; source_key: string; hash: string; record: string }>(
      'SELECT object_type, source_key, hash, record FROM provisioning_source_records WHERE connection_id = $1',
      [connectionId],
    );
    return {
      state: state ? JSON.parse(state.state) : null,
      records: rows.map((r) => ({ type: r.object_type as ObjectType, key: r.source_key, hash: r.hash, record: JSON.parse(r.record) })),
    };
  }

  async saveSourceCache(connectionId: string, change: SourceCacheChange): Promise<void> {
    const now = new Date().toISOString();
    await this.driver.transaction(async (tx) => {
      for (const d of change.deletes) {
        await tx.run('DELETE FROM provisioning_source_records WHERE connection_id = $1 AND object_type = $2 AND source_key = $3', [connectionId, d.type, d.key]);
      }
      const upserts = [...new Map(change.upserts.map((r) => [`${r.type}:${r.key}`, r])).values()];
      await insertRows(
        tx,
        'provisioning_source_records (connection_id, object_type, source_key, hash, record)',
        upserts.map((r) => [connectionId, r.type, r.key, r.hash, JSON.stringify(r.record)]),
        'ON CONFLICT (connection_id, object_type, source_key) DO UPDATE SET hash = excluded.hash, record = excluded.record',
      );
      await tx.run(
        `INSERT INTO provisioning_source_state (connection_id, state, updated) VALUES ($1, $2, $3)
         ON CONFLICT (connection_id) DO UPDATE SET state = excluded.state, updated = excluded.updated`,
        [connectionId, JSON.stringify(change.state), now],
      );
    });
  }

  directoryStore(): Store {
    // No migrations: the schema is already the main store's, migrated by openConnectionStore.
    return new SqlStore(this.driver, []);
  }

  async close(): Promise<void> {
    if (this.options.ownsDriver) await this.driver.close();
  }
}

/** Inserts rows in multi-row statements, so a batch of thousands is a few round trips. */
async function insertRows(tx: SqlExecutor, into: string, rows: unknown[][], suffix: string): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const values = chunk.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
    await tx.run(`INSERT INTO ${into} VALUES ${values.join(', ')} ${suffix}`, params);
  }
}

function connectionParams(c: ConnectionRecord): unknown[] {
  return [
    c.id,
    c.name,
    foldCase(c.name),
    JSON.stringify(c.source),
    c.targetUrl,
    c.credentialKind,
    c.encryptedCredential,
    c.credentialExpiresAt,
    c.mappings === null ? null : JSON.stringify(c.mappings),
    JSON.stringify(c.scoping),
    JSON.stringify(c.settings),
    c.created,
    c.updated,
  ];
}

function connectionFromRow(row: Row): ConnectionRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    source: JSON.parse(String(row.source)),
    targetUrl: String(row.target_url),
    credentialKind: row.credential_kind as ConnectionRecord['credentialKind'],
    encryptedCredential: String(row.credential),
    credentialExpiresAt: (row.credential_expires_at as string | null) ?? null,
    mappings: row.mappings === null || row.mappings === undefined ? null : JSON.parse(String(row.mappings)),
    scoping: JSON.parse(String(row.scoping)),
    settings: JSON.parse(String(row.settings)),
    created: String(row.created),
    updated: String(row.updated),
    quarantine: row.quarantine ? (JSON.parse(String(row.quarantine)) as Quarantine) : null,
    allowDeletes: Number(row.allow_deletes ?? 0) === 1,
    credentialState: row.credential_state ? (JSON.parse(String(row.credential_state)) as CredentialState) : null,
    targetProfile: row.target_profile ? (JSON.parse(String(row.target_profile)) as TargetProfile) : null,
  };
}

function cycleFromRow(row: Row): CycleRecord {
  return {
    id: String(row.id),
    connectionId: String(row.connection_id),
    startedAt: String(row.started_at),
    finishedAt: (row.finished_at as string | null) ?? null,
    dryRun: Number(row.dry_run) === 1,
    status: row.status as CycleStatus,
    summary: row.summary ? (JSON.parse(String(row.summary)) as CycleSummary | null) : null,
    message: (row.message as string | null) ?? null,
  };
}
