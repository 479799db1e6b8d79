import { conflict } from '../../scim/errors.js';
import { foldCase } from '../../scim/compare.js';
import type { JsonObject } from '../../scim/json.js';
import type { EventDraft } from '../../events/event-types.js';
import type { AdminTransaction, AuditEntry, AuditQuery, DirectoryRecord, SecretRecord } from '../store.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import { insertSecretRow, secretFromRow, type SecretRow } from './secret-rows.js';
import type { AppendEvents } from './sql-lifecycle.js';

const DIRECTORY_COLUMNS = 'id, name, created, settings';

/**
 * The administration half of the SQL store (src/admin): directories with their settings, the
 * statements one administrative change is made of, and the audit log.
 */
export class SqlAdmin {
  constructor(
    private readonly driver: SqlDriver,
    private readonly appendEvents: AppendEvents,
  ) {}

  async findDirectoryRecord(idOrName: string): Promise<DirectoryRecord | undefined> {
    const row = await this.driver.get<DirectoryRow>(
      `SELECT ${DIRECTORY_COLUMNS} FROM directories WHERE id = $1 OR name_key = $2 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END LIMIT 1`,
      [idOrName, foldCase(idOrName)],
    );
    return row && directoryFromRow(row, this.driver.dialect);
  }

  async listDirectoryRecords(): Promise<DirectoryRecord[]> {
    const rows = await this.driver.all<DirectoryRow>(`SELECT ${DIRECTORY_COLUMNS} FROM directories ORDER BY created, name`);
    return rows.map((row) => directoryFromRow(row, this.driver.dialect));
  }

  administer<T>(work: (tx: AdminTransaction) => Promise<T>): Promise<T> {
    return this.driver.transaction((tx) => work(new SqlAdminTransaction(tx, this.driver.dialect, this.appendEvents)));
  }

  async readAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.directoryId !== undefined) {
      params.push(query.directoryId);
      conditions.push(`directory_id = $${params.length}`);
    }
    if (query.before !== undefined) {
      params.push(query.before);
      conditions.push(`pk < (SELECT pk FROM audit_log WHERE id = $${params.length})`);
    }
    // The LIMIT as the dialect writes it: a bound one makes SQLite prepare the statement again on every read.
    const limit = this.driver.dialect.rowLimit(query.limit, { add: (value: unknown) => `$${params.push(value)}` });
    const rows = await this.driver.all<AuditRow>(
      `SELECT * FROM audit_log${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY pk DESC LIMIT ${limit}`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      actorIp: row.actor_ip,
      action: row.action,
      targetType: row.target_type as AuditEntry['targetType'],
      targetId: row.target_id,
      targetName: row.target_name,
      directoryId: row.directory_id,
      detail: asObject(this.driver.dialect.decodeDocument(row.detail)),
    }));
  }
}

/** One administrative transaction's statements; `forUpdate` locks rows where the database can. */
class SqlAdminTransaction implements AdminTransaction {
  constructor(
    private readonly tx: SqlExecutor,
    private readonly dialect: SqlDialect,
    private readonly events: AppendEvents,
  ) {}

  async lockDirectory(id: string): Promise<DirectoryRecord | undefined> {
    const row = await this.tx.get<DirectoryRow>(`SELECT ${DIRECTORY_COLUMNS} FROM directories WHERE id = $1${this.dialect.forUpdate}`, [id]);
    return row && directoryFromRow(row, this.dialect);
  }

  async lockSecret(id: string): Promise<SecretRecord | undefined> {
    const row = await this.tx.get<SecretRow>(`SELECT * FROM secrets WHERE id = $1${this.dialect.forUpdate}`, [id]);
    return row && secretFromRow(row);
  }

  async listSecrets(directoryId: string | null): Promise<SecretRecord[]> {
    const rows =
      directoryId === null
        ? await this.tx.all<SecretRow>("SELECT * FROM secrets WHERE scope = 'admin' ORDER BY created, id")
        : await this.tx.all<SecretRow>('SELECT * FROM secrets WHERE directory_id = $1 ORDER BY created, id', [directoryId]);
    return rows.map(secretFromRow);
  }

  async insertDirectory(directory: DirectoryRecord): Promise<void> {
    await this.unique(directory.name, () =>
      this.tx.run('INSERT INTO directories (id, name, name_key, created, settings) VALUES ($1, $2, $3, $4, $5)', [
        directory.id,
        directory.name,
        foldCase(directory.name),
        directory.created,
        this.dialect.encodeDocument(directory.settings),
      ]),
    );
    // Global webhooks receive the new directory's events from its first, directory.created included.
    await this.tx.run(
      `INSERT INTO webhook_cursors (webhook_id, directory_id, delivered_sequence, attempts)
       SELECT w.id, CAST($1 AS TEXT), 0, 0 FROM webhooks w WHERE w.directory_id IS NULL ON CONFLICT DO NOTHING`,
      [directory.id],
    );
  }

  async updateDirectory(id: string, change: { name?: string; settings?: JsonObject }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    if (change.name !== undefined) {
      params.push(change.name, foldCase(change.name));
      sets.push(`name = $${params.length - 1}`, `name_key = $${params.length}`);
    }
    if (change.settings !== undefined) {
      params.push(this.dialect.encodeDocument(change.settings));
      sets.push(`settings = $${params.length}`);
    }
    if (!sets.length) return;
    await this.unique(change.name ?? '', () => this.tx.run(`UPDATE directories SET ${sets.join(', ')} WHERE id = $1`, params));
  }

  async deleteDirectory(id: string): Promise<void> {
    // Resources, memberships, secrets and webhooks go with it (ON DELETE CASCADE).
    await this.tx.run('DELETE FROM directories WHERE id = $1', [id]);
  }

  insertSecret(secret: SecretRecord): Promise<void> {
    return insertSecretRow(this.tx, secret);
  }

  async revokeSecret(id: string, at: string): Promise<boolean> {
    return (await this.tx.run('UPDATE secrets SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])) > 0;
  }

  appendEvents(directoryId: string, drafts: EventDraft[], now: string): Promise<void> {
    return this.events(this.tx, directoryId, drafts, now);
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return insertAuditEntry(this.tx, this.dialect, entry);
  }

  async claimMarker(key: string, value: string): Promise<boolean> {
    return (await this.tx.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value])) > 0;
  }

  /** Runs a statement that may hit the unique directory name, turning that into 409. */
  private async unique(name: string, statement: () => Promise<number>): Promise<void> {
    try {
      await statement();
    } catch (error) {
      if (this.dialect.isUniqueViolation(error)) throw conflict(`A directory named ${JSON.stringify(name)} already exists`);
      throw error;
    }
  }
}

interface DirectoryRow {
  id: string;
  name: string;
  created: string;
  settings: unknown;
  [key: string]: unknown;
}

interface AuditRow {
  id: string;
  at: string;
  actor: string;
  actor_ip: string | null;
  action: string;
  target_type: string;
  target_id: string;
  target_name: string | null;
  directory_id: string | null;
  detail: unknown;
  [key: string]: unknown;
}

function directoryFromRow(row: DirectoryRow, dialect: SqlDialect): DirectoryRecord {
  return { id: row.id, name: row.name, created: row.created, settings: asObject(dialect.decodeDocument(row.settings)) };
}

function asObject(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** Writes one audit entry inside the caller's transaction (administration and webhook changes alike). */
export async function insertAuditEntry(tx: SqlExecutor, dialect: SqlDialect, entry: AuditEntry): Promise<void> {
  await tx.run(
    `INSERT INTO audit_log (id, at, actor, actor_ip, action, target_type, target_id, target_name, directory_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [entry.id, entry.at, entry.actor, entry.actorIp, entry.action, entry.targetType, entry.targetId, entry.targetName, entry.directoryId, dialect.encodeDocument(entry.detail)],
  );
}
