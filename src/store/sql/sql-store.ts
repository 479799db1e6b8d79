import { conflict, invalidValue, notFound, preconditionFailed, resourceNotFound, uniqueness } from '../../scim/errors.js';
import { matchesElement } from '../../scim/filter/evaluate.js';
import { jsonEqual, type JsonObject } from '../../scim/json.js';
import type { MemberChange } from '../../scim/patch/apply-patch.js';
import { matchesVersion } from '../../scim/resource/etag.js';
import type { Member, MemberRef } from '../../scim/resource/members.js';
import type { StoredResource } from '../../scim/resource/representation.js';
import { modelFor, type ResourceTypeName } from '../../scim/schema/resource-models.js';
import type {
  ActivityBatch,
  AllTypesQuery,
  ConnectionStatus,
  AdminTransaction,
  AuditEntry,
  AuditQuery,
  DatabaseStats,
  Directory,
  DirectoryRecord,
  NewResource,
  PatchResult,
  QueryResult,
  ResourceQuery,
  SecretMilestone,
  SecretRecord,
  Store,
  WriteOptions,
} from '../store.js';
import { foldCase } from '../../scim/compare.js';
import { compileFilter } from './filter-compiler.js';
import { applyMigrations, pendingMigrations, type Migration } from './migrations.js';
import { indexedColumns, membershipColumn, RESOURCE_COLUMNS, resourceFromRow, shownResourceFromRow, type ResourceRow } from './resource-rows.js';
import { sortExpression } from './sort-compiler.js';
import { queryAllTypes } from './sql-all-types-query.js';
import { randomId } from '../../auth/secret-format.js';
import { isSystemStream } from '../../events/system-streams.js';
import type { DirectoryEvent, EventDraft } from '../../events/event-types.js';
import { displayOf, resourceEvent } from '../../events/resource-events.js';
import { INDEXED_VALUES, indexedValuesOf } from './value-index.js';
import { SqlParams } from './sql-params.js';
import { fixedStatement } from './fixed-statements.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import { insertSecretRow, secretFromRow, type SecretRow } from './secret-rows.js';
import { SqlLifecycle } from './sql-lifecycle.js';
import { SqlAdmin } from './sql-admin.js';
import { SqlWebhooks } from './sql-webhooks.js';
import type { WebhookStore } from '../webhook-store.js';
import { isDeadLocalOwner } from '../lease-owner.js';
import { systemStreamSequence } from './system-stream-events.js';

/** Ids per statement when members are looked up or inserted in bulk. */
const CHUNK = 500;
/** Rows per multi-row INSERT in a bulk load: about 5,000 parameters, well within both databases' limits. */
const INSERT_ROWS = 500;

/**
 * The Store over SQL, shared by SQLite and PostgreSQL: the differences live in the driver and
 * its dialect. Every write runs in one transaction; every resource statement names the directory.
 */
export class SqlStore implements Store {
  /** GET by id's statement per type, without and with the membership column. */
  private readonly getResourceTexts = new Map<ResourceTypeName, [string?, string?]>();

  constructor(
    private readonly driver: SqlDriver,
    private readonly migrations: Migration[],
  ) {}

  /**
   * The connection this store runs on, for the provisioning engine inside the same server: a
   * second SQLite connection in one process would block the event loop on the file's write lock.
   */
  get sqlDriver(): SqlDriver {
    return this.driver;
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.driver.dialect.name;
  }

  migrate(): Promise<number[]> {
    return applyMigrations(this.driver, this.migrations, () => new Date().toISOString());
  }

  async pendingMigrations(): Promise<number[]> {
    return (await pendingMigrations(this.driver, this.migrations)).map((m) => m.version);
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  async ping(): Promise<void> {
    await this.driver.get('SELECT 1 AS ok');
  }

  stats(): Promise<DatabaseStats> {
    return this.driver.stats();
  }

  // ---- directories ----------------------------------------------------------------------

  async createDirectory(directory: Directory): Promise<Directory> {
    try {
      await this.driver.run('INSERT INTO directories (id, name, name_key, created) VALUES ($1, $2, $3, $4)', [
        directory.id,
        directory.name,
        foldCase(directory.name),
        directory.created,
      ]);
    } catch (error) {
      if (this.driver.dialect.isUniqueViolation(error)) throw conflict(`A directory named ${JSON.stringify(directory.name)} already exists`);
      throw error;
    }
    return directory;
  }

  async listDirectories(): Promise<Directory[]> {
    const rows = await this.driver.all<{ id: string; name: string; created: string }>(
      'SELECT id, name, created FROM directories ORDER BY created, name',
    );
    return rows.map((r) => ({ id: r.id, name: r.name, created: r.created }));
  }

  async findDirectory(idOrName: string): Promise<Directory | undefined> {
    const row = await this.driver.get<{ id: string; name: string; created: string }>(
      'SELECT id, name, created FROM directories WHERE id = $1 OR name_key = $2 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END LIMIT 1',
      [idOrName, foldCase(idOrName)],
    );
    return row && { id: row.id, name: row.name, created: row.created };
  }

  // ---- secrets --------------------------------------------------------------------------

  insertSecret(secret: SecretRecord): Promise<void> {
    return insertSecretRow(this.driver, secret);
  }

  async findSecretByHash(hash: string): Promise<SecretRecord | undefined> {
    const row = await this.driver.get<SecretRow>(fixedStatement('SELECT * FROM secrets WHERE hash = $1'), [hash]);
    return row && secretFromRow(row);
  }

  secretChangeToken(): Promise<string | undefined> {
    return this.driver.secretChangeToken();
  }

  async findSecret(id: string): Promise<SecretRecord | undefined> {
    const row = await this.driver.get<SecretRow>(fixedStatement('SELECT * FROM secrets WHERE id = $1'), [id]);
    return row && secretFromRow(row);
  }

  async listSecrets(directoryId: string | null): Promise<SecretRecord[]> {
    const rows =
      directoryId === null
        ? await this.driver.all<SecretRow>("SELECT * FROM secrets WHERE scope = 'admin' ORDER BY created")
        : await this.driver.all<SecretRow>('SELECT * FROM secrets WHERE directory_id = $1 ORDER BY created', [directoryId]);
    return rows.map(secretFromRow);
  }

  async revokeSecret(id: string, at: string): Promise<boolean> {
    const changed = await this.driver.run('UPDATE secrets SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
    return changed > 0;
  }

  async replaceSecretHash(id: string, from: string, to: string): Promise<boolean> {
    return (await this.driver.run('UPDATE secrets SET hash = $3 WHERE id = $1 AND hash = $2', [id, from, to])) > 0;
  }

  async recordSecretUse(id: string, at: string, ip: string | null, userAgent: string | null): Promise<void> {
    await this.driver.run(fixedStatement('UPDATE secrets SET last_used_at = $1, last_used_ip = $2, last_used_ua = $3 WHERE id = $4'), [at, ip, userAgent, id]);
  }

  // ---- resources ------------------------------------------------------------------------

  async createResource(directoryId: string, type: ResourceTypeName, resource: NewResource, options: WriteOptions): Promise<StoredResource> {
    const model = modelFor(type);
    const columns = indexedColumns(model, resource.data);
    if (this.driver.dialect.writableCte && !resource.members?.length) return this.createInOneStatement(directoryId, type, resource, options);
    return this.write(directoryId, async (tx) => {
      const row = await tx.get<{ pk: number | string }>(
        fixedStatement(`INSERT INTO resources (directory_id, type, id, name, name_key, display, external_id, active, data, version, created, last_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING pk`),
        [
          directoryId,
          type,
          resource.id,
          columns.name,
          columns.nameKey,
          columns.display,
          columns.externalId,
          columns.active === null ? null : this.driver.dialect.booleanParam(columns.active),
          this.driver.dialect.encodeDocument(resource.data),
          options.now,
        ],
      );
      const pk = Number(row!.pk);
      await this.writeIndexedValues(tx, pk, type, resource.data, false);
      const created: StoredResource = { id: resource.id, type, data: resource.data, version: 1, created: options.now, lastModified: options.now };
      const delta = resource.members?.length ? await this.addMembers(tx, directoryId, pk, resource.id, resource.members) : NO_DELTA;
      await this.appendEvents(tx, directoryId, [resourceEvent(undefined, created), ...membershipEvents(created, delta)], options.now);
      // A new user is in no group yet; a new group's members are read back by the caller when shown.
      return type === 'User' ? { ...created, membership: [] } : created;
      // The INSERT's foreign key check finds the directory and key-share-locks its row, as the
      // explicit check would: one statement fewer per create.
    }, model.nameAttribute, 'by-foreign-key');
  }

  /**
   * A create without members as one statement, atomic on its own (PostgreSQL): the row, its
   * indexed values, the sequence bump and the event in data-modifying WITHs, one round trip and
   * no BEGIN or COMMIT. The row is inserted before the directory's sequence is touched, as in a
   * transaction, and no lock on the directory is held before that UPDATE (the foreign key check
   * runs at the end of the statement), so a waiting deletion cannot deadlock with it.
   */
  private async createInOneStatement(directoryId: string, type: ResourceTypeName, resource: NewResource, options: WriteOptions): Promise<StoredResource> {
    const model = modelFor(type);
    const columns = indexedColumns(model, resource.data);
    const created: StoredResource = { id: resource.id, type, data: resource.data, version: 1, created: options.now, lastModified: options.now };
    const row = [directoryId, type, resource.id, columns.name, columns.nameKey, columns.display, columns.externalId];
    const active = columns.active === null ? null : this.driver.dialect.booleanParam(columns.active);
    const ctes = (params: SqlParams) => {
      const insert = `INSERT INTO resources (directory_id, type, id, name, name_key, display, external_id, active, data, version, created, last_modified)
         VALUES (${params.list(row)}, ${params.add(active)}, ${params.add(this.driver.dialect.encodeDocument(resource.data))}, 1, ${params.add(options.now)}, ${params.add(options.now)}) RETURNING pk`;
      return `created AS (${insert}), indexed AS (${this.indexedValuesInsert(params, 'SELECT pk FROM created', type, resource.data)}), `;
    };
    try {
      await this.numberAndInsertEvents(this.driver, directoryId, [resourceEvent(undefined, created)!], options.now, { ctes, after: 'created' });
    } catch (error) {
      throw writeError(error, this.driver.dialect, model.nameAttribute);
    }
    // A new user is in no group yet; a new group's members are read back by the caller when shown.
    return type === 'User' ? { ...created, membership: [] } : created;
  }

  /**
   * An INSERT of a document's indexed values for the resource `pk` selects, with one text
   * whatever their number (arrays, unnested), so it stays one prepared statement.
   */
  private indexedValuesInsert(params: SqlParams, pk: string, type: ResourceTypeName, data: JsonObject): string {
    const rows = indexedValuesOf(type, data);
    const [keys, values] = [params.add(rows.map((r) => r.key)), params.add(rows.map((r) => r.value))];
    return `INSERT INTO resource_values (resource_pk, attribute, value_key) SELECT (${pk}), v.attribute, v.value_key FROM unnest(${keys}::text[], ${values}::text[]) AS v(attribute, value_key)`;
  }

  async insertResources(directoryId: string, type: ResourceTypeName, resources: NewResource[], options: WriteOptions): Promise<string[]> {
    const model = modelFor(type);
    const dialect = this.driver.dialect;
    return this.write(directoryId, async (tx) => {
      const inserted = new Map<string, number>();
      for (let i = 0; i < resources.length; i += INSERT_ROWS) {
        const params = new SqlParams();
        const [directory, kind, now] = [params.add(directoryId), params.add(type), params.add(options.now)];
        const values = resources.slice(i, i + INSERT_ROWS).map((resource) => {
          const c = indexedColumns(model, resource.data);
          const active = c.active === null ? null : dialect.booleanParam(c.active);
          const row = [resource.id, c.name, c.nameKey, c.display, c.externalId, active, dialect.encodeDocument(resource.data)];
          return `(${directory}, ${kind}, ${params.list(row)}, 1, ${now}, ${now})`;
        });
        const rows = await tx.all<{ pk: number | string; id: string }>(
          `INSERT INTO resources (directory_id, type, id, name, name_key, display, external_id, active, data, version, created, last_modified)
           VALUES ${values.join(', ')} ON CONFLICT DO NOTHING RETURNING pk, id`,
          params.values,
        );
        for (const row of rows) inserted.set(row.id, Number(row.pk));
      }
      const fresh = resources.filter((r) => inserted.has(r.id));
      const indexed = fresh.flatMap((r) => indexedValuesOf(type, r.data).map((v) => ({ pk: inserted.get(r.id)!, ...v })));
      for (let i = 0; i < indexed.length; i += INSERT_ROWS) {
        const params = new SqlParams();
        const values = indexed.slice(i, i + INSERT_ROWS).map((v) => `(${params.list([v.pk, v.key, v.value])})`);
        await tx.run(`INSERT INTO resource_values (resource_pk, attribute, value_key) VALUES ${values.join(', ')}`, params.values);
      }
      const events: (EventDraft | undefined)[] = [];
      for (const resource of fresh) {
        const created: StoredResource = { id: resource.id, type, data: resource.data, version: 1, created: options.now, lastModified: options.now };
        const delta = resource.members?.length ? await this.addMembers(tx, directoryId, inserted.get(resource.id)!, resource.id, resource.members) : NO_DELTA;
        events.push(resourceEvent(undefined, created), ...membershipEvents(created, delta));
      }
      await this.appendEvents(tx, directoryId, events, options.now);
      return fresh.map((r) => r.id);
    }, model.nameAttribute);
  }

  async analyze(): Promise<void> {
    await this.driver.run(this.driver.dialect.analyze);
  }

  async getResource(directoryId: string, type: ResourceTypeName, id: string, includeMembership: boolean): Promise<StoredResource | undefined> {
    const row = await this.driver.get<ResourceRow>(this.getResourceText(type, includeMembership), [directoryId, type, id]);
    return row && shownResourceFromRow(row, this.driver.dialect);
  }

  /** GET by id's statement, built once per shape rather than on every request. */
  private getResourceText(type: ResourceTypeName, includeMembership: boolean): string {
    let texts = this.getResourceTexts.get(type);
    if (!texts) this.getResourceTexts.set(type, (texts = []));
    const shape = includeMembership ? 1 : 0;
    if (texts[shape] === undefined) {
      const membership = includeMembership ? `, ${membershipColumn(type, this.driver.dialect)}` : '';
      texts[shape] = fixedStatement(`SELECT ${this.driver.dialect.shownColumns}${membership} FROM resources r WHERE r.directory_id = $1 AND r.type = $2 AND r.id = $3`);
    }
    return texts[shape];
  }

  async replaceResource(
    directoryId: string,
    type: ResourceTypeName,
    id: string,
    input: { data: JsonObject; members?: MemberRef[] },
    options: WriteOptions,
  ): Promise<StoredResource> {
    const model = modelFor(type);
    return this.write(directoryId, async (tx) => {
      const current = await this.lockResource(tx, directoryId, type, id, options);
      const changes: MemberChange[] = model.membership === 'members' ? [{ op: 'replace', members: input.members ?? [] }] : [];
      const result = await this.commitChange(tx, directoryId, current, input.data, changes, options.now);
      return result.resource;
    }, model.nameAttribute, 'by-resource-lock');
  }

  async patchResource(
    directoryId: string,
    type: ResourceTypeName,
    id: string,
    change: (current: StoredResource) => { data: JsonObject; memberChanges: MemberChange[] },
    options: WriteOptions,
  ): Promise<PatchResult> {
    const model = modelFor(type);
    return this.write(directoryId, async (tx) => {
      const current = await this.lockResource(tx, directoryId, type, id, options);
      const outcome = change(current.resource);
      return this.commitChange(tx, directoryId, current, outcome.data, outcome.memberChanges, options.now);
    }, model.nameAttribute, 'by-resource-lock');
  }

  async deleteResource(directoryId: string, type: ResourceTypeName, id: string, options: WriteOptions): Promise<void> {
    await this.write(directoryId, async (tx) => {
      const current = await this.lockResource(tx, directoryId, type, id, options);
      // The groups that lose this member change too: their versions move and each gets an event.
      const groups = await tx.all<{ id: string; version: number | string; name: string }>(
        fixedStatement(`UPDATE resources SET version = version + 1, last_modified = $1 WHERE pk IN (SELECT group_pk FROM memberships WHERE member_pk = $2)
         RETURNING id, version, name`),
        [options.now, current.pk],
      );
      // Where a WITH can hold the DELETE (PostgreSQL), it joins the events' statement.
      const deletion = (params: SqlParams) => `DELETE FROM resources WHERE pk = ${params.add(current.pk)}`;
      if (!this.driver.dialect.writableCte) await tx.run(deletion(new SqlParams()), [current.pk]);
      const member = { value: id, type };
      await this.appendEvents(
        tx,
        directoryId,
        [
          resourceEvent(current.resource, undefined),
          ...groups.map((g): EventDraft => ({ type: 'group.member_removed', subject: { type: 'Group', id: g.id, version: Number(g.version) }, data: { member, display: g.name } })),
        ],
        options.now,
        this.driver.dialect.writableCte ? (params) => `deleted AS (${deletion(params)}), ` : undefined,
      );
    }, undefined, 'by-resource-lock');
  }

  queryResources(directoryId: string, type: ResourceTypeName, query: ResourceQuery): Promise<QueryResult> {
    return this.queryPage(directoryId, type, query);
  }

  queryAllTypes(directoryId: string, query: AllTypesQuery): Promise<QueryResult> {
    return queryAllTypes(this.driver, this.driver.dialect, directoryId, query, (db, type, pks) => this.membershipOf(db, type, pks));
  }

  /**
   * A page, its total and the directory's event sequence, read in one snapshot: the sequence is
   * read with the page, so "list, then follow the feed from it" neither misses nor repeats a
   * change. The total is counted only when the page cannot tell it: an index page that reaches
   * the last match tells it without counting, which spares lookups such as `userName eq` (one row
   * or none) a count.
   */
  private async queryPage(directoryId: string, type: ResourceTypeName, query: ResourceQuery): Promise<QueryResult> {
    const model = modelFor(type);
    const dialect = this.driver.dialect;
    const where = (params: SqlParams) => {
      const conditions = [`r.directory_id = ${params.add(directoryId)}`, `r.type = ${params.add(type)}`];
      if (dialect.deadlineCondition) conditions.push(dialect.deadlineCondition);
      if (query.filter) conditions.push(compileFilter(query.filter, model, dialect, params));
      return conditions.join(' AND ');
    };
    const params = new SqlParams();
    const sort = query.sortBy ? sortExpression(query.sortBy, model, dialect, params) : undefined;
    const sortKey = sort?.expr;
    const nullable = sort?.nullable ?? false;
    const descending = query.sortOrder === 'descending';
    const conditions = [where(params)];
    if (query.after) conditions.push(keysetCondition(sortKey, nullable, descending, query.after, params));
    const orderBy = (key: string | undefined, pk: string) =>
      [
        ...(key && nullable ? [`(${key}) IS NULL`] : []),
        ...(key ? [`${key}${descending ? ' DESC' : ''}`] : []),
        `${pk}${descending && key ? ' DESC' : ''}`,
      ].join(', ');
    const rowsWanted = dialect.rowLimit(query.count + 1, params);
    const offset = query.after ? '' : ` OFFSET ${params.add(query.offset)}`;
    const membership = query.includeMembership ? `, ${membershipColumn(type, dialect)}` : '';
    const columns = `${dialect.shownColumns}${membership}${sortKey ? `, ${sortKey} AS sort_key` : ''}`;
    const pageKeys = `SELECT r.pk FROM resources r WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy(sortKey, 'r.pk')} LIMIT ${rowsWanted}${offset}`;
    // PostgreSQL computes a row's columns before LIMIT skips it, so a deep page would turn every
    // skipped document into text and read every skipped member list: the page's rows are chosen
    // by key first and their columns read after (and put back in order by the caller's ORDER BY).
    const page = dialect.pageInOneStatement
      ? `SELECT ${columns} FROM resources r WHERE r.pk IN (${pageKeys})`
      : `SELECT ${columns} FROM resources r WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy(sortKey, 'r.pk')} LIMIT ${rowsWanted}${offset}`;
    const count = (p: SqlParams) => `SELECT COUNT(*) AS n FROM resources r WHERE ${where(p)}`;
    const sequence = (p: SqlParams) => `SELECT last_sequence FROM directories WHERE id = ${p.add(directoryId)}`;

    let rows: ResourceRow[];
    let counted: number | string | null | undefined;
    let lastSequence: number | string | null | undefined;
    if (dialect.pageInOneStatement) {
      // One statement is one snapshot and one round trip. The page is a CTE with its own ORDER BY
      // and LIMIT (planned as alone); one header row left-joined to it carries the sequence and
      // the total, so an empty page still brings them. Every parameter must appear in the
      // statement, so the count and its condition are built only when used.
      const mustCount = () => [`(SELECT COUNT(*) FROM page) > ${params.add(query.count)}`, ...(query.offset > 0 ? ['NOT EXISTS (SELECT 1 FROM page)'] : [])].join(' OR ');
      const total = !query.withTotal ? 'NULL' : query.after ? `(${count(params)})` : `CASE WHEN ${mustCount()} THEN (${count(params)}) END`;
      const joined = await this.driver.all<ResourceRow & { page_sequence: number | string | null; page_total: number | string | null }>(
        `WITH page AS MATERIALIZED (${page})
         SELECT h.page_sequence, h.page_total, p.* FROM (SELECT ${query.withSequence ? `(${sequence(params)})` : 'NULL'} AS page_sequence, ${total} AS page_total) h
         LEFT JOIN page p ON 1 = 1 ORDER BY ${orderBy(sortKey && 'p.sort_key', 'p.pk')}`,
        params.values,
      );
      rows = joined.filter((row) => row.pk !== null);
      counted = joined[0]?.page_total;
      lastSequence = joined[0]?.page_sequence;
    } else {
      // Statements here are calls, not round trips, and materialising the page to join it costs
      // more than a read transaction around three of them.
      ({ rows, counted, lastSequence } = await this.driver.readSnapshot(async (tx) => {
        const rows = await tx.all<ResourceRow>(page, params.values);
        const more = rows.length > query.count;
        const mustCount = query.withTotal && (query.after || more || (rows.length === 0 && query.offset > 0));
        const p = new SqlParams();
        const counted = mustCount ? (await tx.get<{ n: number | string }>(count(p), p.values))?.n : undefined;
        const s = new SqlParams();
        const lastSequence = query.withSequence ? (await tx.get<{ last_sequence: number | string }>(sequence(s), s.values))?.last_sequence : undefined;
        return { rows, counted, lastSequence };
      }));
    }
    const more = rows.length > query.count;
    const shown = more ? rows.slice(0, query.count) : rows;
    const result: QueryResult = {
      total: !query.withTotal ? 0 : counted !== null && counted !== undefined ? Number(counted) : query.offset + shown.length,
      resources: shown.map((row) => shownResourceFromRow(row, dialect)),
    };
    if (query.withSequence) result.sequence = Number(lastSequence ?? 0);
    if (more && shown.length) {
      const last = shown[shown.length - 1];
      result.next = { key: sortKey ? ((last.sort_key ?? null) as string | number | null) : null, pk: Number(last.pk) };
    }
    return result;
  }

  // ---- events ---------------------------------------------------------------------------

  recordEvents(directoryId: string, drafts: EventDraft[], now: string): Promise<void> {
    return this.write(directoryId, (tx) => this.appendEvents(tx, directoryId, drafts, now));
  }

  async readEvents(directoryId: string, after: number, limit: number): Promise<DirectoryEvent[]> {
    const rows = await this.driver.all<EventRow>(
      'SELECT * FROM events WHERE directory_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3',
      [directoryId, after, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      directoryId: row.directory_id,
      sequence: Number(row.sequence),
      type: row.type as DirectoryEvent['type'],
      subject: {
        type: row.subject_type as DirectoryEvent['subject']['type'],
        id: row.subject_id,
        ...(row.subject_version === null ? {} : { version: Number(row.subject_version) }),
      },
      occurredAt: row.occurred_at,
      data: this.driver.dialect.decodeDocument(row.data) as JsonObject,
    }));
  }

  async lastSequence(directoryId: string): Promise<number> {
    const row = await this.driver.get<{ last_sequence: number | string }>(fixedStatement('SELECT last_sequence FROM directories WHERE id = $1'), [directoryId]);
    if (!row && isSystemStream(directoryId)) return systemStreamSequence(this.driver, directoryId);
    return Number(row?.last_sequence ?? 0);
  }

  purgeEvents(before: string): Promise<number> {
    return this.driver.run('DELETE FROM events WHERE occurred_at < $1', [before]);
  }

  private webhookQueries?: SqlWebhooks;
  get webhooks(): WebhookStore {
    return (this.webhookQueries ??= new SqlWebhooks(this.driver, isDeadLocalOwner));
  }

  // ---- secret lifecycle and connection health (implemented in sql-lifecycle.ts) -----------

  private lifecycleQueries?: SqlLifecycle;
  private get lifecycle(): SqlLifecycle {
    return (this.lifecycleQueries ??= new SqlLifecycle(this.driver, (tx, directoryId, drafts, now) => this.appendEvents(tx, directoryId, drafts, now)));
  }

  recordActivity(batch: ActivityBatch): Promise<void> {
    return this.lifecycle.recordActivity(batch);
  }

  markDirectoryConnected(directoryId: string, at: string, events: EventDraft[]): Promise<boolean> {
    return this.lifecycle.markDirectoryConnected(directoryId, at, events);
  }

  quietDirectories(cutoff: string): Promise<{ id: string; lastRequestAt: string }[]> {
    return this.lifecycle.quietDirectories(cutoff);
  }

  claimQuietDirectory(directoryId: string, lastRequestAt: string, events: EventDraft[], now: string): Promise<boolean> {
    return this.lifecycle.claimQuietDirectory(directoryId, lastRequestAt, events, now);
  }

  claimSecretMilestone(secretId: string, milestone: SecretMilestone, events: EventDraft[], now: string): Promise<boolean> {
    return this.lifecycle.claimSecretMilestone(secretId, milestone, events, now);
  }

  secretsNearingExpiry(horizon: string): Promise<SecretRecord[]> {
    return this.lifecycle.secretsNearingExpiry(horizon);
  }

  connectionStatus(directoryId: string): Promise<ConnectionStatus | undefined> {
    return this.lifecycle.connectionStatus(directoryId);
  }

  directoriesWithSetting(key: string): Promise<{ id: string; settings: JsonObject }[]> {
    return this.lifecycle.directoriesWithSetting(key);
  }

  // ---- administration (implemented in sql-admin.ts) ---------------------------------------

  private adminQueries?: SqlAdmin;
  private get admin(): SqlAdmin {
    return (this.adminQueries ??= new SqlAdmin(this.driver, (tx, directoryId, drafts, now) => this.appendEvents(tx, directoryId, drafts, now)));
  }

  findDirectoryRecord(idOrName: string): Promise<DirectoryRecord | undefined> {
    return this.admin.findDirectoryRecord(idOrName);
  }

  listDirectoryRecords(): Promise<DirectoryRecord[]> {
    return this.admin.listDirectoryRecords();
  }

  administer<T>(work: (tx: AdminTransaction) => Promise<T>): Promise<T> {
    return this.admin.administer(work);
  }

  readAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.admin.readAudit(query);
  }

  // ---- console sessions -----------------------------------------------------------------

  async revokeAdminSession(sessionId: string, revokedAt: string, expiresAt: string): Promise<void> {
    await this.driver.transaction(async (tx) => {
      await tx.run('DELETE FROM admin_session_revocations WHERE expires_at < $1', [revokedAt]);
      await tx.run('INSERT INTO admin_session_revocations (session_id, revoked_at, expires_at) VALUES ($1, $2, $3) ON CONFLICT (session_id) DO NOTHING', [
        sessionId,
        revokedAt,
        expiresAt,
      ]);
    });
  }

  async isAdminSessionRevoked(sessionId: string): Promise<boolean> {
    return (await this.driver.get('SELECT 1 AS revoked FROM admin_session_revocations WHERE session_id = $1', [sessionId])) !== undefined;
  }

  // ---- internals ------------------------------------------------------------------------

  /**
   * Runs one write to a directory in one transaction. The directory's row is share-locked first, so
   * a deletion of the directory waits for writes in flight instead of locking the directory and
   * then meeting their resource locks (a deadlock); writes do not block each other until they
   * take the next event sequence numbers. A unique-constraint violation becomes 409 uniqueness.
   * A write whose first statement inserts a row referencing the directory may skip the check:
   * the foreign key check locks the directory's row the same way, and fails when it is gone. A
   * write that starts with lockResource skips it: on PostgreSQL that statement takes the same lock
   * on the directory before it locks the resource; on SQLite the write transaction already holds
   * the database, and a resource row found proves its directory is there.
   */
  private async write<T>(
    directoryId: string,
    work: (tx: SqlExecutor) => Promise<T>,
    uniqueAttribute?: string,
    directoryChecked: 'by-foreign-key' | 'by-resource-lock' | 'first' = 'first',
  ): Promise<T> {
    const checkFirst = directoryChecked === 'first';
    try {
      return await this.driver.transaction(async (tx) => {
        if (checkFirst) {
          const directory = await tx.get(fixedStatement(`SELECT 1 AS present FROM directories WHERE id = $1${this.driver.dialect.lockForWrite}`), [directoryId]);
          if (!directory) throw directoryGone();
        }
        return work(tx);
      });
    } catch (error) {
      throw writeError(error, this.driver.dialect, uniqueAttribute);
    }
  }

  /**
   * Reads the resource for a write (locking its row where the database can) and checks If-Match.
   * Where the directory's lock has a mode (PostgreSQL), the same statement takes it first, as
   * write() would have: an uncorrelated EXISTS runs once, before the resources are scanned, so
   * the order stays directory, then resource.
   */
  private async lockResource(tx: SqlExecutor, directoryId: string, type: ResourceTypeName, id: string, options: WriteOptions) {
    const dialect = this.driver.dialect;
    // A user's groups come along (a user write does not change them), so the answer needs no
    // second read; a group's members are left out, as they may be many and the write changes them.
    const membership = type === 'User' ? `, ${membershipColumn(type, dialect)}` : '';
    const directoryLock = dialect.lockForWrite ? ` AND EXISTS (SELECT 1 FROM directories d WHERE d.id = $1${dialect.lockForWrite})` : '';
    const row = await tx.get<ResourceRow>(
      fixedStatement(`SELECT ${RESOURCE_COLUMNS}${membership} FROM resources r WHERE r.directory_id = $1 AND r.type = $2 AND r.id = $3${directoryLock}${dialect.forUpdate ? `${dialect.forUpdate} OF r` : ''}`),
      [directoryId, type, id],
    );
    if (!row) {
      // Tell a deleted directory from a missing resource. A row found proves its directory is there:
      // PostgreSQL's EXISTS above locked it, and on SQLite the write transaction excludes a deletion.
      if (!(await tx.get(fixedStatement('SELECT 1 AS present FROM directories WHERE id = $1'), [directoryId]))) throw directoryGone();
      throw resourceNotFound(type, id);
    }
    const resource = resourceFromRow(row, this.driver.dialect);
    if (options.ifMatch && !matchesVersion(options.ifMatch, resource.version)) {
      throw preconditionFailed(`The ${type} has changed: its version is now W/"${resource.version}"`);
    }
    return { pk: Number(row.pk), resource };
  }

  /**
   * Writes a PUT or PATCH outcome: membership changes, then the document when anything changed,
   * then the events. Nothing is written (and the version stays) when nothing changed.
   */
  private async commitChange(
    tx: SqlExecutor,
    directoryId: string,
    current: { pk: number; resource: StoredResource },
    data: JsonObject,
    memberChanges: MemberChange[],
    now: string,
  ): Promise<PatchResult> {
    const delta = await this.applyMemberChanges(tx, directoryId, current.pk, current.resource.id, memberChanges);
    const membersChanged = delta.added.length > 0 || delta.removed.length > 0;
    if (!membersChanged && jsonEqual(current.resource.data, data)) return { resource: current.resource, changed: false };
    const updated = { ...current.resource, data, version: current.resource.version + 1, lastModified: now };
    const events = [resourceEvent(current.resource, updated), ...membershipEvents(updated, delta)];
    if (this.driver.dialect.writableCte) {
      // The row is locked by this transaction already: its UPDATE and its indexed values can join
      // the events' statement (one snapshot: the DELETE does not see the rows the INSERT adds).
      await this.appendEvents(tx, directoryId, events, now, (params) => {
        const update = `written AS (${this.rowUpdate(params, current.pk, current.resource.type, data, now)}), `;
        if (!INDEXED_VALUES.some((v) => v.type === current.resource.type)) return update;
        const pk = params.add(current.pk);
        return `${update}unindexed AS (DELETE FROM resource_values WHERE resource_pk = ${pk}), indexed AS (${this.indexedValuesInsert(params, pk, current.resource.type, data)}), `;
      });
    } else {
      await this.updateRow(tx, current.pk, current.resource, data, now);
      await this.appendEvents(tx, directoryId, events, now);
    }
    return { resource: updated, changed: true };
  }

  /**
   * Appends events to the outbox inside the caller's transaction, numbered from the directory's
   * counter so each directory's sequence has no gaps. It runs last in every write transaction:
   * the directory row is the lock all writers of a directory share, taken last so it is held
   * briefly and never ahead of a resource lock.
   */
  private async appendEvents(
    tx: SqlExecutor,
    directoryId: string,
    drafts: (EventDraft | undefined)[],
    now: string,
    /**
     * Data-modifying WITHs (`name AS (…), ` each) run with the events' statement (PostgreSQL); in
     * a write without events they run as a statement of their own.
     */
    alongside?: (params: SqlParams) => string,
  ): Promise<void> {
    const events = drafts.filter((d): d is EventDraft => d !== undefined);
    if (events.length === 0) {
      if (alongside) {
        const params = new SqlParams();
        await tx.run(`WITH ${alongside(params).replace(/, $/, '')} SELECT 1`, params.values);
      }
      return;
    }
    if (this.driver.dialect.writableCte && events.length <= INSERT_ROWS) {
      return this.numberAndInsertEvents(tx, directoryId, events, now, { ctes: alongside, lockFirst: Boolean(this.driver.dialect.lockForSequence) });
    }
    // Upgrading the write's lock on the directory with SELECT … FOR NO KEY UPDATE (rather than
    // letting the UPDATE wait) queues behind other writers without queueing behind a deletion.
    if (this.driver.dialect.lockForSequence) await tx.get(`SELECT 1 AS locked FROM directories WHERE id = $1${this.driver.dialect.lockForSequence}`, [directoryId]);
    if (alongside) {
      const params = new SqlParams();
      await tx.run(`WITH ${alongside(params).replace(/, $/, '')} SELECT 1`, params.values);
    }
    const row = await tx.get<{ last_sequence: number | string }>(
      'UPDATE directories SET last_sequence = last_sequence + $1 WHERE id = $2 RETURNING last_sequence',
      [events.length, directoryId],
    );
    if (!row) throw directoryGone();
    const first = Number(row.last_sequence) - events.length + 1;
    const dialect = this.driver.dialect;
    for (let i = 0; i < events.length; i += INSERT_ROWS) {
      const params = new SqlParams();
      const [directory, at] = [params.add(directoryId), params.add(now)];
      const values = events.slice(i, i + INSERT_ROWS).map((event, j) => {
        const columns = [randomId('evt'), first + i + j, event.type, event.subject.type, event.subject.id, event.subject.version ?? null, dialect.encodeDocument(event.data)];
        const [id, sequence, type, subjectType, subjectId, version, data] = columns.map((c) => params.add(c));
        return `(${id}, ${directory}, ${sequence}, ${type}, ${subjectType}, ${subjectId}, ${version}, ${at}, ${data})`;
      });
      await tx.run(
        `INSERT INTO events (id, directory_id, sequence, type, subject_type, subject_id, subject_version, occurred_at, data) VALUES ${values.join(', ')}`,
        params.values,
      );
    }
  }

  /**
   * The sequence bump and the events' insert in one statement, where a WITH can hold the UPDATE
   * (PostgreSQL). `ctes` are more WITHs run with it; `after` names one of them that must run
   * before the directory's row is touched. `lockFirst` takes the directory's row with
   * `SELECT … FOR NO KEY UPDATE` before the UPDATE (a one-time filter of it): a transaction that
   * holds a key-share lock on the row upgrades it that way without queueing behind a waiting
   * deletion of the directory, which would deadlock, as the UPDATE's own wait would.
   */
  private async numberAndInsertEvents(
    tx: SqlExecutor,
    directoryId: string,
    events: EventDraft[],
    now: string,
    options: { ctes?: (params: SqlParams) => string; after?: string; lockFirst?: boolean } = {},
  ): Promise<void> {
    const dialect = this.driver.dialect;
    const params = new SqlParams();
    let extra = options.ctes?.(params) ?? '';
    const [directory, at, count] = [params.add(directoryId), params.add(now), params.add(events.length)];
    const conditions = [`id = ${directory}`];
    if (options.lockFirst) {
      extra += `locked AS (SELECT 1 FROM directories WHERE id = ${directory}${dialect.lockForSequence}), `;
      conditions.push('EXISTS (SELECT 1 FROM locked)');
    }
    if (options.after) conditions.push(`EXISTS (SELECT 1 FROM ${options.after})`);
    const values = events.map((event, j) => {
      const columns = [randomId('evt'), j, event.type, event.subject.type, event.subject.id, event.subject.version ?? null, dialect.encodeDocument(event.data)];
      const [id, offset, type, subjectType, subjectId, version, data] = columns.map((c) => params.add(c));
      return `(${id}, ${offset}::int, ${type}, ${subjectType}, ${subjectId}, ${version}::int, ${data}::jsonb)`;
    });
    const inserted = await tx.all(
      fixedStatement(`WITH ${extra}numbered AS (UPDATE directories SET last_sequence = last_sequence + ${count}::int WHERE ${conditions.join(' AND ')} RETURNING last_sequence)
       INSERT INTO events (id, directory_id, sequence, type, subject_type, subject_id, subject_version, occurred_at, data)
       SELECT v.id, ${directory}, n.last_sequence - ${count}::int + 1 + v.offset_in_write, v.type, v.subject_type, v.subject_id, v.subject_version, ${at}, v.data
         FROM numbered n, (VALUES ${values.join(', ')}) AS v(id, offset_in_write, type, subject_type, subject_id, subject_version, data)
       RETURNING sequence`),
      params.values,
    );
    if (inserted.length !== events.length) throw directoryGone();
  }

  /** The UPDATE of a resource row to `data` (indexed columns, version, last modified), with its parameters in `params`. */
  private rowUpdate(params: SqlParams, pk: number, type: ResourceTypeName, data: JsonObject, now: string): string {
    const columns = indexedColumns(modelFor(type), data);
    const dialect = this.driver.dialect;
    const values = [
      columns.name,
      columns.nameKey,
      columns.display,
      columns.externalId,
      columns.active === null ? null : dialect.booleanParam(columns.active),
      dialect.encodeDocument(data),
      now,
      pk,
    ].map((value) => params.add(value));
    const [name, nameKey, display, externalId, active, document, modified, key] = values;
    const cast = dialect.name === 'postgres' ? '::jsonb' : '';
    return `UPDATE resources SET name = ${name}, name_key = ${nameKey}, display = ${display}, external_id = ${externalId}, active = ${active}, data = ${document}${cast},
         version = version + 1, last_modified = ${modified} WHERE pk = ${key}`;
  }

  private async updateRow(tx: SqlExecutor, pk: number, current: StoredResource, data: JsonObject, now: string): Promise<StoredResource> {
    const params = new SqlParams();
    await tx.run(this.rowUpdate(params, pk, current.type, data, now), params.values);
    await this.writeIndexedValues(tx, pk, current.type, data, true);
    return { ...current, data, version: current.version + 1, lastModified: now };
  }

  /** Keeps `resource_values` in step with the document (see value-index.ts). */
  private async writeIndexedValues(tx: SqlExecutor, pk: number, type: ResourceTypeName, data: JsonObject, replacing: boolean): Promise<void> {
    if (!INDEXED_VALUES.some((v) => v.type === type)) return;
    if (replacing) await tx.run('DELETE FROM resource_values WHERE resource_pk = $1', [pk]);
    const rows = indexedValuesOf(type, data);
    if (!rows.length) return;
    const params = new SqlParams();
    const resource = params.add(pk);
    const values = rows.map((row) => `(${resource}, ${params.add(row.key)}, ${params.add(row.value)})`).join(', ');
    await tx.run(`INSERT INTO resource_values (resource_pk, attribute, value_key) VALUES ${values}`, params.values);
  }

  /**
   * Applies membership changes in order and returns who actually joined and left (a member added
   * and removed again in one request is in neither list).
   */
  private async applyMemberChanges(tx: SqlExecutor, directoryId: string, groupPk: number, groupId: string, changes: MemberChange[]): Promise<MembershipDelta> {
    const added = new Map<string, MemberRow>();
    const removed = new Map<string, MemberRow>();
    const record = (delta: MembershipDelta) => {
      for (const m of delta.added) removed.has(m.id) ? removed.delete(m.id) : added.set(m.id, m);
      for (const m of delta.removed) added.has(m.id) ? added.delete(m.id) : removed.set(m.id, m);
    };
    for (const change of changes) {
      switch (change.op) {
        case 'add':
          record(await this.addMembers(tx, directoryId, groupPk, groupId, change.members));
          break;
        case 'remove':
          record({ added: [], removed: await this.removeMembers(tx, directoryId, groupPk, change.ids) });
          break;
        case 'replace': {
          const wanted = await this.resolveMembers(tx, directoryId, groupId, change.members);
          const existing = await tx.all<{ pk: number | string; id: string; type: string }>(
            'SELECT x.pk, x.id, x.type FROM memberships m JOIN resources x ON x.pk = m.member_pk WHERE m.group_pk = $1',
            [groupPk],
          );
          const have = new Map(existing.map((r) => [Number(r.pk), { pk: Number(r.pk), id: r.id, type: r.type as ResourceTypeName }]));
          const want = new Set(wanted.map((m) => m.pk));
          const stale = [...have.values()].filter((m) => !want.has(m.pk));
          for (let i = 0; i < stale.length; i += CHUNK) {
            const params = new SqlParams();
            const group = params.add(groupPk);
            await tx.run(`DELETE FROM memberships WHERE group_pk = ${group} AND member_pk IN (${params.list(stale.slice(i, i + CHUNK).map((m) => m.pk))})`, params.values);
          }
          const fresh = await this.insertMemberships(tx, groupPk, wanted.filter((m) => !have.has(m.pk)));
          record({ added: fresh, removed: stale });
          break;
        }
        case 'removeWhere': {
          const members = (await this.membershipOf(tx, 'Group', [groupPk])).get(groupPk) ?? [];
          const parent = { name: 'members', def: modelFor('Group').core.attributes.find((a) => a.name === 'members') };
          const ids = members.filter((m) => matchesElement(change.filter, { value: m.value, type: m.type, display: m.display ?? '' }, parent)).map((m) => m.value);
          record({ added: [], removed: await this.removeMembers(tx, directoryId, groupPk, ids) });
          break;
        }
      }
    }
    return { added: [...added.values()], removed: [...removed.values()] };
  }

  private async addMembers(tx: SqlExecutor, directoryId: string, groupPk: number, groupId: string, members: MemberRef[]): Promise<MembershipDelta> {
    if (this.driver.dialect.writableCte) return { added: await this.resolveAndInsertMembers(tx, directoryId, groupPk, groupId, members), removed: [] };
    const rows = await this.resolveMembers(tx, directoryId, groupId, members);
    return { added: await this.insertMemberships(tx, groupPk, rows), removed: [] };
  }

  /**
   * resolveMembers and insertMemberships in one statement per chunk, where the database can
   * write inside a WITH (one round trip less per member add on PostgreSQL). A missing or
   * mistyped member is found after the insert; the error rolls the whole write back. Member rows
   * are locked as in resolveMembers.
   */
  private async resolveAndInsertMembers(tx: SqlExecutor, directoryId: string, groupPk: number, groupId: string, members: MemberRef[]): Promise<MemberRow[]> {
    if (members.some((m) => m.value === groupId)) throw invalidValue('A group cannot be a member of itself');
    const found = new Map<string, { pk: number; type: string }>();
    const inserted = new Set<number>();
    const memberLock = this.driver.dialect.lockForWrite;
    for (let i = 0; i < members.length; i += CHUNK) {
      const params = new SqlParams();
      const directory = params.add(directoryId);
      const group = params.add(groupPk);
      const rows = await tx.all<{ pk: number | string; id: string; type: string; added: boolean }>(
        fixedStatement(`WITH found AS (SELECT pk, id, type FROM resources WHERE ${inDirectory(directory)} AND id IN (${params.list(members.slice(i, i + CHUNK).map((m) => m.value))})${memberLock}),
           inserted AS (INSERT INTO memberships (group_pk, member_pk) SELECT ${group}, pk FROM found ON CONFLICT DO NOTHING RETURNING member_pk)
         SELECT f.pk, f.id, f.type, i.member_pk IS NOT NULL AS added FROM found f LEFT JOIN inserted i ON i.member_pk = f.pk`),
        params.values,
      );
      for (const row of rows) {
        found.set(row.id, { pk: Number(row.pk), type: row.type });
        if (row.added) inserted.add(Number(row.pk));
      }
    }
    return checkedMembers(members, found).filter((m) => inserted.delete(m.pk));
  }

  /** Inserts memberships that do not exist yet; returns the members actually added. */
  private async insertMemberships(tx: SqlExecutor, groupPk: number, members: MemberRow[]): Promise<MemberRow[]> {
    const byPk = new Map(members.map((m) => [m.pk, m]));
    const added: MemberRow[] = [];
    for (let i = 0; i < members.length; i += CHUNK) {
      const params = new SqlParams();
      const group = params.add(groupPk);
      const values = members
        .slice(i, i + CHUNK)
        .map((m) => `(${group}, ${params.add(m.pk)})`)
        .join(', ');
      const rows = await tx.all<{ member_pk: number | string }>(
        `INSERT INTO memberships (group_pk, member_pk) VALUES ${values} ON CONFLICT DO NOTHING RETURNING member_pk`,
        params.values,
      );
      for (const row of rows) added.push(byPk.get(Number(row.member_pk))!);
    }
    return added;
  }

  /** Removes the named members; returns those that were members. */
  private async removeMembers(tx: SqlExecutor, directoryId: string, groupPk: number, ids: string[]): Promise<MemberRow[]> {
    const removed: MemberRow[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const params = new SqlParams();
      const group = params.add(groupPk);
      const directory = params.add(directoryId);
      const rows = await tx.all<{ pk: number | string; id: string; type: string }>(
        fixedStatement(`SELECT pk, id, type FROM resources WHERE ${inDirectory(directory)} AND id IN (${params.list(ids.slice(i, i + CHUNK))})
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.group_pk = ${group} AND m.member_pk = resources.pk)`),
        params.values,
      );
      if (!rows.length) continue;
      const members = rows.map((r) => ({ pk: Number(r.pk), id: r.id, type: r.type as ResourceTypeName }));
      const del = new SqlParams();
      const g = del.add(groupPk);
      await tx.run(fixedStatement(`DELETE FROM memberships WHERE group_pk = ${g} AND member_pk IN (${del.list(members.map((m) => m.pk))})`), del.values);
      removed.push(...members);
    }
    return removed;
  }

  /**
   * Finds the rows of the named members in this directory; any that are missing is a 400. The rows
   * are key-share locked (PostgreSQL), as the membership's foreign key would lock them at insert:
   * a member deleted meanwhile is then either gone before this read (400 naming it) or waits for
   * this write and removes the new membership with itself, never a foreign-key violation at insert.
   */
  private async resolveMembers(tx: SqlExecutor, directoryId: string, groupId: string, members: MemberRef[]): Promise<MemberRow[]> {
    if (members.some((m) => m.value === groupId)) throw invalidValue('A group cannot be a member of itself');
    const found = new Map<string, { pk: number; type: string }>();
    for (let i = 0; i < members.length; i += CHUNK) {
      const params = new SqlParams();
      const directory = params.add(directoryId);
      const rows = await tx.all<{ pk: number | string; id: string; type: string }>(
        `SELECT pk, id, type FROM resources WHERE ${inDirectory(directory)} AND id IN (${params.list(members.slice(i, i + CHUNK).map((m) => m.value))})${this.driver.dialect.lockForWrite}`,
        params.values,
      );
      for (const row of rows) found.set(row.id, { pk: Number(row.pk), type: row.type });
    }
    return checkedMembers(members, found);
  }

  /** Members of groups, or groups of users, for a set of resource rows. */
  private async membershipOf(executor: SqlExecutor, type: ResourceTypeName, pks: number[]): Promise<Map<number, Member[]>> {
    const [self, other] = type === 'Group' ? ['group_pk', 'member_pk'] : ['member_pk', 'group_pk'];
    const result = new Map<number, Member[]>();
    for (let i = 0; i < pks.length; i += CHUNK) {
      const params = new SqlParams();
      const rows = await executor.all<{ owner: number | string; id: string; type: string; display: string }>(
        `SELECT m.${self} AS owner, x.id, x.type, x.display FROM memberships m JOIN resources x ON x.pk = m.${other}
         WHERE m.${self} IN (${params.list(pks.slice(i, i + CHUNK))}) ORDER BY m.${self}, m.${other}`,
        params.values,
      );
      for (const row of rows) {
        const owner = Number(row.owner);
        let list = result.get(owner);
        if (!list) result.set(owner, (list = []));
        list.push({ value: row.id, type: row.type as 'User' | 'Group', display: row.display });
      }
    }
    return result;
  }
}

/**
 * The directory condition for a lookup by a list of ids, written so that no index can serve it:
 * ids are unique on their own, but without fresh statistics both databases prefer the directory's
 * index for five ids or more and read every row of the directory (0.1 s at 100,000 users) instead
 * of one row per id.
 */
/** The rows of the named members, once each in the order named; a missing or mistyped one is a 400. */
function checkedMembers(members: MemberRef[], found: Map<string, { pk: number; type: string }>): MemberRow[] {
  const missing = members.filter((m) => !found.has(m.value)).map((m) => m.value);
  if (missing.length) {
    const shown = missing.slice(0, 10).map((id) => JSON.stringify(id)).join(', ');
    throw invalidValue(`No user or group with id ${shown}${missing.length > 10 ? ` (and ${missing.length - 10} more)` : ''} exists in this directory`);
  }
  const mistyped = members.find((m) => m.type && found.get(m.value)!.type !== m.type);
  if (mistyped) throw invalidValue(`Member ${JSON.stringify(mistyped.value)} is a ${found.get(mistyped.value)!.type}, not a ${mistyped.type}`);
  return members.map((m) => ({ pk: found.get(m.value)!.pk, id: m.value, type: found.get(m.value)!.type as ResourceTypeName }));
}

function inDirectory(param: string): string {
  return `directory_id || '' = ${param}`;
}

/**
 * Rows after a page position under ORDER BY [key IS NULL,] key, pk: NULL keys sort last in both
 * directions, and the pk breaks ties so no row is skipped or repeated.
 */
function keysetCondition(
  sortKey: string | undefined,
  nullable: boolean,
  descending: boolean,
  after: { key: unknown; pk: number },
  params: SqlParams,
): string {
  const pk = params.add(after.pk);
  const beyond = descending && sortKey ? '<' : '>';
  if (!sortKey) return `r.pk > ${pk}`;
  if (after.key === null) return `((${sortKey}) IS NULL AND r.pk ${beyond} ${pk})`;
  const key = params.add(after.key);
  const later = `(${sortKey} ${beyond} ${key} OR (${sortKey} = ${key} AND r.pk ${beyond} ${pk}))`;
  return nullable ? `((${sortKey}) IS NULL OR ${later})` : later;
}

/** A member row: its primary key for the membership table, its id and type for events. */
interface MemberRow {
  pk: number;
  id: string;
  type: ResourceTypeName;
}

interface MembershipDelta {
  added: MemberRow[];
  removed: MemberRow[];
}

const NO_DELTA: MembershipDelta = { added: [], removed: [] };

/** One event per member that joined or left a group. */
function membershipEvents(group: StoredResource, delta: MembershipDelta): EventDraft[] {
  const subject = { type: 'Group' as const, id: group.id, version: group.version };
  const display = displayOf(group);
  return [
    ...delta.added.map((m): EventDraft => ({ type: 'group.member_added', subject, data: { member: { value: m.id, type: m.type }, display } })),
    ...delta.removed.map((m): EventDraft => ({ type: 'group.member_removed', subject, data: { member: { value: m.id, type: m.type }, display } })),
  ];
}

interface EventRow {
  id: string;
  directory_id: string;
  sequence: number | string;
  type: string;
  subject_type: string;
  subject_id: string;
  subject_version: number | string | null;
  occurred_at: string;
  data: unknown;
  [key: string]: unknown;
}

/** A write that raced the deletion of its directory: the directory, and so the resource, is gone. */
function directoryGone() {
  return notFound('The directory no longer exists');
}

/** A write's error as the client should see it: 409 uniqueness, or 404 when the directory went away. */
function writeError(error: unknown, dialect: SqlDriver['dialect'], uniqueAttribute?: string): unknown {
  if (uniqueAttribute && dialect.isUniqueViolation(error)) return uniqueness(`A resource with this ${uniqueAttribute} already exists in the directory`);
  if (dialect.isForeignKeyViolation(error)) return directoryGone();
  return error;
}
