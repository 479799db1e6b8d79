import { conflict, invalidValue, notFound, preconditionFailed, resourceNotFound, uniqueness } from '../../scim/errors.js';
import { matchesElement } from '../../scim/filter/evaluate.js';
import { jsonEqual, type JsonObject } from '../../scim/json.js';
import type { MemberChange } from '../../scim/patch/apply-patch.js';
import { matchesVersion } from '../../scim/resource/etag.js';
import type { Member, MemberRef } from '../../scim/resource/members.js';
import type { StoredResource } from '../../scim/resource/representation.js';
import { modelFor, type ResourceModel, type ResourceTypeName } from '../../scim/schema/resource-models.js';
import { resolveAttribute } from '../../scim/schema/resolve.js';
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
  SecretProbe,
  SecretRecord,
  Store,
  WriteOptions,
} from '../store.js';
import { foldCase } from '../../scim/compare.js';
import { compileFilter } from './filter-compiler.js';
import { applyMigrations, pendingMigrations, type Migration } from './migrations.js';
import { indexedColumns, membershipColumn, RESOURCE_COLUMNS, resourceFromRow, resourceRowOf, shownResourceFromRow, type ResourceRow } from './resource-rows.js';
import { sortExpression } from './sort-compiler.js';
import { queryAllTypes } from './sql-all-types-query.js';
import { randomId } from '../../auth/secret-format.js';
import { isSystemStream } from '../../events/system-streams.js';
import type { DirectoryEvent, EventDraft } from '../../events/event-types.js';
import { displayOf, resourceEvent } from '../../events/resource-events.js';
import { INDEXED_VALUES, indexedValuesOf, sameIndexedValues } from './value-index.js';
import { SqlParams } from './sql-params.js';
import { fixedStatement } from './fixed-statements.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import { insertSecretRow, secretFromRow, secretUnchangedSql, type SecretRow } from './secret-rows.js';
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
  /** GET by id's statement per type, with or without the membership column and the secret's check. */
  private readonly getResourceTexts = new Map<ResourceTypeName, (string | undefined)[]>();

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

  heardSecretChangeToken(): string | undefined {
    return this.driver.heardSecretChangeToken();
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
      await this.appendEvents(tx, directoryId, [resourceEvent(undefined, created), ...membershipEvents(created, delta)], options.now, undefined, counted(type, 1));
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
      await this.numberAndInsertEvents(this.driver, directoryId, [resourceEvent(undefined, created)!], options.now, { ctes, after: 'created', counts: counted(type, 1) });
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
      await this.appendEvents(tx, directoryId, events, options.now, undefined, counted(type, fresh.length));
      return fresh.map((r) => r.id);
    }, model.nameAttribute);
  }

  async analyze(): Promise<void> {
    await this.driver.run(this.driver.dialect.analyze);
  }

  async getResource(directoryId: string, type: ResourceTypeName, id: string, includeMembership: boolean, probe?: SecretProbe): Promise<StoredResource | undefined> {
    const params = new SqlParams();
    for (const value of [directoryId, type, id]) params.add(value);
    // Its text is the same for every secret ($4 onwards), so the statement's cache holds one shape.
    const probeColumn = secretProbeColumn(probe, params);
    const row = await this.driver.get<ResourceRow>(this.getResourceText(type, includeMembership, probeColumn), params.values);
    if (!row) return undefined;
    if (probe) probe.unchanged = isTrue(row.secret_unchanged);
    return shownResourceFromRow(row, this.driver.dialect);
  }

  /** GET by id's statement, built once per shape rather than on every request. */
  private getResourceText(type: ResourceTypeName, includeMembership: boolean, probeColumn: string): string {
    let texts = this.getResourceTexts.get(type);
    if (!texts) this.getResourceTexts.set(type, (texts = []));
    const shape = (includeMembership ? 1 : 0) + (probeColumn ? 2 : 0);
    if (texts[shape] === undefined) {
      const membership = includeMembership ? `, ${membershipColumn(type, this.driver.dialect)}` : '';
      texts[shape] = fixedStatement(`SELECT ${this.driver.dialect.shownColumns}${membership}${probeColumn} FROM resources r WHERE ${BY_ID}`);
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
    // A group's PUT replaces its members, which one statement does not do (see changeInOneStatement).
    if (this.driver.dialect.writableCte && model.membership !== 'members') {
      const done = await this.changeInOneStatement(directoryId, type, id, options, () => ({ data: input.data, memberChanges: [] }));
      if (done) return done.resource;
    }
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
    if (this.driver.dialect.writableCte) {
      const done = await this.changeInOneStatement(directoryId, type, id, options, change);
      if (done) return done;
    }
    return this.write(directoryId, async (tx) => {
      const current = await this.lockResource(tx, directoryId, type, id, options);
      const outcome = change(current.resource);
      return this.commitChange(tx, directoryId, current, outcome.data, outcome.memberChanges, options.now);
    }, model.nameAttribute, 'by-resource-lock');
  }

  /**
   * A PUT or PATCH as one statement outside a transaction (PostgreSQL): the resource is read
   * without a lock, the change is worked out from it, and one statement locks the directory
   * (key share) and the row (FOR UPDATE) as lockResource does, checks that the row's version is
   * still the one read, adds or removes the members (member rows key-share locked, as
   * resolveMembers does), upgrades the directory's lock and numbers the events, in that order
   * (each WITH waits for the one before through a one-time filter). Every write in it is gated on
   * the version and, for an add, on every member being found with its type: a failed check
   * writes nothing, and the statement's own commit is the write's. Undefined when the statement
   * cannot do it (members replaced, or added and removed together, or too many) or when the row
   * changed or went away since it was read: the caller then writes in a transaction as before,
   * which also tells a deleted directory from a missing resource.
   */
  private async changeInOneStatement(
    directoryId: string,
    type: ResourceTypeName,
    id: string,
    options: WriteOptions,
    change: (current: StoredResource) => { data: JsonObject; memberChanges: MemberChange[] },
  ): Promise<PatchResult | undefined> {
    const dialect = this.driver.dialect;
    const model = modelFor(type);
    const found = await this.readBeforeOneStatement(directoryId, type, id, options);
    if (!found) return undefined;
    const { row, read } = found;
    // A user's groups are read again under the statement's lock, for the answer.
    const membership = type === 'User' ? `, ${membershipColumn(type, dialect)}` : '';
    const outcome = change(read);
    const ops = new Set(outcome.memberChanges.map((c) => c.op));
    if (ops.size > 1 || ops.has('replace') || ops.has('removeWhere')) return undefined;
    const adding = ops.has('add');
    const named = outcome.memberChanges.flatMap((c): MemberRef[] => (c.op === 'add' ? c.members : c.op === 'remove' ? c.ids.map((value) => ({ value })) : []));
    const ids = [...new Set(named.map((m) => m.value))];
    if (ids.length > CHUNK) return undefined;
    if (adding && ids.includes(id)) throw invalidValue('A group cannot be a member of itself');
    const dataChanged = !jsonEqual(read.data, outcome.data);
    if (!dataChanged && ids.length === 0) return { resource: read, changed: false };

    const pk = Number(row.pk);
    const updated: StoredResource = { ...read, data: outcome.data, version: read.version + 1, lastModified: options.now };
    const event = dataChanged ? resourceEvent(read, updated) : undefined;
    // A change no event describes is left to the transaction, which writes it without one.
    if (!event && ids.length === 0) return undefined;
    // Nothing is written unless the checks hold and something moves: the row and its indexed
    // values carry the same gate as the events.
    const gate = `EXISTS (SELECT 1 FROM ok)${dataChanged ? '' : ' AND EXISTS (SELECT 1 FROM changes)'}`;
    const ctes = (params: SqlParams) => {
      const [key, directory] = [params.add(pk), params.add(directoryId)];
      let sql = `target AS MATERIALIZED (SELECT r.pk, r.version${membership} FROM resources r WHERE r.pk = ${key}
           AND EXISTS (SELECT 1 FROM directories d WHERE d.id = ${directory}${dialect.lockForWrite}) FOR UPDATE OF r),
         current AS MATERIALIZED (SELECT pk FROM target WHERE version = ${params.add(read.version)}), `;
      if (ids.length) {
        const order = `(SELECT u.id, min(u.ord) AS ord FROM unnest(${params.add(ids)}::text[]) WITH ORDINALITY AS u(id, ord) GROUP BY u.id) w`;
        const subject = `'Group'::text AS subject_type, ${params.add(id)}::text AS subject_id, ${params.add(updated.version)}::int AS subject_version`;
        const display = params.add(displayOf(updated));
        if (adding) {
          const [named_ids, named_types] = [params.add(named.map((m) => m.value)), params.add(named.map((m) => m.type ?? null))];
          sql += `found AS MATERIALIZED (SELECT pk, id, type FROM resources WHERE ${inDirectory(directory)} AND id IN (${params.list(ids)})
             AND EXISTS (SELECT 1 FROM current)${dialect.lockForWrite}),
           ok AS MATERIALIZED (SELECT 1 FROM current WHERE (SELECT count(*) FROM found) = ${params.add(ids.length)} AND NOT EXISTS (SELECT 1 FROM found f
             JOIN unnest(${named_ids}::text[], ${named_types}::text[]) AS n(id, type) ON n.id = f.id WHERE n.type IS NOT NULL AND n.type <> f.type)),
           changes AS (INSERT INTO memberships (group_pk, member_pk) SELECT ${key}, pk FROM found WHERE EXISTS (SELECT 1 FROM ok) ON CONFLICT DO NOTHING RETURNING member_pk),
           moved AS MATERIALIZED (SELECT row_number() OVER (ORDER BY w.ord) AS ord, 'group.member_added'::text AS type, ${subject},
             jsonb_build_object('member', jsonb_build_object('value', f.id, 'type', f.type), 'display', ${display}::text) AS data
             FROM changes c JOIN found f ON f.pk = c.member_pk JOIN ${order} ON w.id = f.id), `;
        } else {
          // As removeMembers: the member rows are not locked (a member deleted meanwhile takes its memberships with it).
          sql += `ok AS MATERIALIZED (SELECT 1 FROM current),
           changes AS (DELETE FROM memberships m USING resources x WHERE m.group_pk = ${key} AND EXISTS (SELECT 1 FROM ok) AND x.pk = m.member_pk
             AND ${inDirectory(directory, 'x.directory_id')} AND x.id IN (${params.list(ids)}) RETURNING x.id, x.type),
           moved AS MATERIALIZED (SELECT row_number() OVER (ORDER BY w.ord) AS ord, 'group.member_removed'::text AS type, ${subject},
             jsonb_build_object('member', jsonb_build_object('value', c.id, 'type', c.type), 'display', ${display}::text) AS data
             FROM changes c JOIN ${order} ON w.id = c.id), `;
        }
      } else {
        sql += 'ok AS MATERIALIZED (SELECT 1 FROM current), ';
      }
      sql += `written AS (${this.rowUpdate(params, pk, type, outcome.data, options.now)} AND ${gate}), `;
      // Values that stay the same are not rewritten: the version gate keeps them read.data's.
      if (!sameIndexedValues(type, read.data, outcome.data)) {
        sql += `unindexed AS (DELETE FROM resource_values WHERE resource_pk = ${key} AND ${gate}), indexed AS (${this.indexedValuesInsert(params, key, type, outcome.data)} WHERE ${gate}), `;
      }
      return sql;
    };
    const report = `(SELECT version FROM target) AS version${membership ? ', (SELECT membership FROM target) AS membership' : ''}${
      adding ? `, (SELECT ${dialect.jsonArrayAgg({ id: 'f.id', type: 'f.type' }, 'f.pk')} FROM found f) AS found` : ''
    }`;
    let result: { logged: number; report: Record<string, unknown> };
    try {
      result = await this.numberAndInsertEvents(this.driver, directoryId, event ? [event] : [], options.now, {
        ctes,
        gate,
        lockFirst: true,
        generated: ids.length ? { rows: 'moved', bound: ids.length } : undefined,
        report,
      });
    } catch (error) {
      throw writeError(error, dialect, model.nameAttribute);
    }
    const version = result.report.version;
    if (version === null || version === undefined || Number(version) !== read.version) return undefined;
    if (adding) {
      const found = dialect.decodeDocument(result.report.found) as { id: string; type: string }[];
      checkedMembers(named, new Map(found.map((f) => [f.id, { pk: 0, type: f.type }])));
    }
    const groups = membership ? { membership: dialect.decodeDocument(result.report.membership) as Member[] } : {};
    if (result.logged === 0) return { resource: { ...read, ...groups }, changed: false };
    return { resource: { ...updated, ...groups }, changed: true };
  }

  async deleteResource(directoryId: string, type: ResourceTypeName, id: string, options: WriteOptions): Promise<void> {
    if (this.driver.dialect.writableCte && (await this.deleteInOneStatement(directoryId, type, id, options))) return;
    await this.write(directoryId, async (tx) => {
      const current = await this.lockResource(tx, directoryId, type, id, options);
      const member = { value: id, type };
      const deleted = resourceEvent(current.resource, undefined)!;
      if (this.driver.dialect.writableCte) {
        // The groups that lose the member, the row's removal and the events are one statement:
        // the groups' events are made from the UPDATE's RETURNING (see groupsLosing). It starts
        // once lockResource holds the row, so its own snapshot has every membership (compare
        // deleteInOneStatement).
        await this.numberAndInsertEvents(tx, directoryId, [deleted], options.now, {
          ctes: (params) =>
            `deleted AS (DELETE FROM resources WHERE pk = ${params.add(current.pk)}), ${this.groupsLosing(params, `SELECT group_pk FROM memberships WHERE member_pk = ${params.add(current.pk)}`, member, options.now)}`,
          generated: { rows: 'losing', bound: (current.resource.membership?.length ?? 0) + 4 },
          lockFirst: true,
          counts: counted(type, -1),
        });
        return;
      }
      // The groups that lose this member change too: their versions move and each gets an event.
      const groups = await tx.all<{ id: string; version: number | string; name: string }>(
        fixedStatement(`UPDATE resources SET version = version + 1, last_modified = $1 WHERE pk IN (SELECT group_pk FROM memberships WHERE member_pk = $2)
         RETURNING id, version, name`),
        [options.now, current.pk],
      );
      await tx.run('DELETE FROM resources WHERE pk = $1', [current.pk]);
      await this.appendEvents(
        tx,
        directoryId,
        [
          deleted,
          ...groups.map((g): EventDraft => ({ type: 'group.member_removed', subject: { type: 'Group', id: g.id, version: Number(g.version) }, data: { member, display: g.name } })),
        ],
        options.now,
        undefined,
        counted(type, -1),
      );
    }, undefined, 'by-resource-lock');
  }

  /**
   * The plain read (no lock) a one-statement write starts from, with the If-Match check: the row
   * and its resource (a user with its groups), or undefined when there is none. PATCH, PUT and
   * DELETE send the same text, so one named statement serves them all.
   */
  private async readBeforeOneStatement(directoryId: string, type: ResourceTypeName, id: string, options: WriteOptions): Promise<{ row: ResourceRow; read: StoredResource } | undefined> {
    const dialect = this.driver.dialect;
    const membership = type === 'User' ? `, ${membershipColumn(type, dialect)}` : '';
    const row = await this.driver.get<ResourceRow>(fixedStatement(`SELECT ${RESOURCE_COLUMNS}${membership} FROM resources r WHERE ${BY_ID}`), [directoryId, type, id]);
    if (!row) return undefined;
    const read = resourceFromRow(row, dialect);
    if (options.ifMatch && !matchesVersion(options.ifMatch, read.version)) {
      throw preconditionFailed(`The ${type} has changed: its version is now W/"${read.version}"`);
    }
    return { row, read };
  }

  /**
   * A DELETE as one statement outside a transaction (PostgreSQL), one round trip: it
   * key-share-locks the directory (a one-time filter, so before the resource, as lockResource),
   * deletes the row and returns its document for the deletion's event, moves the version of every
   * group it was in and gives each an event, upgrades the directory's lock and numbers the events.
   * A row that another write holds is deleted once that write commits, at the version it leaves
   * (the statement re-reads a row changed while it waited), so the event carries the document
   * deleted. With an If-Match naming versions the row is read first for the check, as PUT and
   * PATCH read it (readBeforeOneStatement), and deleted only at the version read.
   * False, with nothing written, when there is no such row (or no longer the version read) or the
   * directory is gone: the caller then deletes in a transaction as before (404, 412, or the
   * deletion of the new version with its events).
   *
   * The groups must include every membership committed while the DELETE waited for the row's
   * lock (a member add key-share-locks the member's row, through `found` or the foreign key, and
   * may commit during that wait), since the foreign key's cascade, at the end of the statement,
   * removes them all. The statement's snapshot is older than that wait, so they are read by
   * scimd_groups_of_member (migration 20), a volatile function, whose query takes a snapshot of
   * its own; it is called on the row `deleted` returns, so only once the row is deleted and
   * locked. A member add that comes after waits for this statement and then finds the member
   * gone (400), as with a transaction. The UPDATE of a group changed meanwhile (the add moved
   * its version) re-reads the group's newest row before it writes.
   */
  private async deleteInOneStatement(directoryId: string, type: ResourceTypeName, id: string, options: WriteOptions): Promise<boolean> {
    const dialect = this.driver.dialect;
    let guard: { pk: number; version: number } | undefined;
    if (options.ifMatch && !options.ifMatch.any) {
      const found = await this.readBeforeOneStatement(directoryId, type, id, options);
      if (!found) return false;
      guard = { pk: Number(found.row.pk), version: found.read.version };
    }
    const member = { value: id, type };
    const ctes = (params: SqlParams) => {
      const directory = params.add(directoryId);
      const directoryLock = `EXISTS (SELECT 1 FROM directories d WHERE d.id = ${directory}${dialect.lockForWrite})`;
      const row = guard
        ? `pk = ${params.add(guard.pk)} AND version = ${params.add(guard.version)}`
        : `${inDirectory(directory)} AND type = ${typeLiteral(type)} AND id = ${params.add(id)}`;
      const deleted = `deleted AS (DELETE FROM resources WHERE ${row} AND ${directoryLock} RETURNING pk, id, version, name, data)`;
      return `${deleted}, ${this.groupsLosing(params, 'SELECT g.pk FROM deleted d, scimd_groups_of_member(d.pk) AS g(pk)', member, options.now)}${deletionEvents(type)}`;
    };
    let result: { logged: number };
    try {
      result = await this.numberAndInsertEvents(this.driver, directoryId, [], options.now, {
        ctes,
        // Nothing is numbered, logged or counted unless the row was deleted (the groups' UPDATE
        // reads `deleted` already).
        gate: 'EXISTS (SELECT 1 FROM deleted)',
        // Ids made here for the deletion and up to seven groups; the database makes any more.
        generated: { rows: 'removal', bound: 8 },
        lockFirst: true,
        counts: counted(type, -1),
      });
    } catch (error) {
      throw writeError(error, dialect);
    }
    return result.logged > 0;
  }

  /**
   * WITHs that move the version of every group in `groups` (a SELECT of group pks: those the
   * deleted member is in) and make their `group.member_removed` events (a `losing` row each, in
   * the columns numberAndInsertEvents takes from a generated source), for a deletion of that
   * member in the same statement.
   */
  private groupsLosing(params: SqlParams, groups: string, member: { value: string; type: string }, now: string): string {
    return `losing_groups AS (UPDATE resources SET version = version + 1, last_modified = ${params.add(now)}
         WHERE pk IN (${groups}) RETURNING pk, id, version, name),
       losing AS MATERIALIZED (SELECT row_number() OVER (ORDER BY g.pk) AS ord, 'group.member_removed'::text AS type, 'Group'::text AS subject_type, g.id AS subject_id,
         g.version AS subject_version, jsonb_build_object('member', ${params.add(JSON.stringify(member))}::jsonb, 'display', g.name) AS data FROM losing_groups g), `;
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
   * or none) a count. An unfiltered list never counts: its total is the directory's count of the
   * type, kept by every write that creates or deletes (CountChange), and read in the same snapshot.
   */
  private async queryPage(directoryId: string, type: ResourceTypeName, query: ResourceQuery): Promise<QueryResult> {
    const model = modelFor(type);
    const dialect = this.driver.dialect;
    // An unfiltered page in the default order is one text whatever the directory, so on PostgreSQL
    // it runs named and, after a few runs, under one generic plan for every directory: its shape
    // must leave that plan one choice, the directory's keys in order from resources_type
    // (docs/performance.md, "Unfiltered pages as named statements"). `= ANY (ARRAY[…])` is the
    // same condition, but not an equality the planner drops from the ORDER BY, so the primary
    // key alone cannot give that order: walking it (all directories' rows) needs a sort too.
    const fixedPage = dialect.pageInOneStatement && !query.filter && !query.sortBy;
    // Its values (directory, cursor, LIMIT, OFFSET) are read through sub-SELECTs the planner
    // cannot see into, so a plan made for the values costs the same as the generic plan.
    // PostgreSQL plans the first five runs for their values and then keeps the generic plan
    // only if it costs no more than those did; seen through, the values made it cost less (a
    // bound LIMIT is guessed at a tenth of the rows), so every run was planned again, which
    // took as long as running it.
    const opaque = (param: string, cast: string) => (fixedPage ? `(SELECT ${param}::${cast})` : param);
    const where = (params: SqlParams) => {
      const directory = fixedPage ? `r.directory_id = ANY (ARRAY[${opaque(params.add(directoryId), 'text')}])` : `r.directory_id = ${params.add(directoryId)}`;
      // The type is written out, not bound: a named page's generic plan then knows it, so with
      // statistics it costs a page of groups as the few groups there are, as each custom plan
      // does, and PostgreSQL keeps the generic plan instead of planning every execution.
      const conditions = [directory, `r.type = ${typeLiteral(type)}`];
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
    if (query.after) conditions.push(fixedPage ? `r.pk > ${opaque(params.add(query.after.pk), 'bigint')}` : keysetCondition(sortKey, nullable, descending, query.after, params));
    const orderBy = (key: string | undefined, pk: string) =>
      [
        ...(key && nullable ? [`(${key}) IS NULL`] : []),
        ...(key ? [`${key}${descending ? ' DESC' : ''}`] : []),
        `${pk}${descending && key ? ' DESC' : ''}`,
      ].join(', ');
    const rowsWanted = fixedPage ? opaque(dialect.rowLimit(query.count + 1, params), 'bigint') : dialect.rowLimit(query.count + 1, params);
    const offset = query.after ? '' : ` OFFSET ${opaque(params.add(query.offset), 'bigint')}`;
    // On SQLite a correlated subquery per row opens an aggregate's sorter even for a user in no
    // group (a quarter of a page's SELECT): its membership is read after, in one statement for the page.
    const membership = query.includeMembership && dialect.pageInOneStatement ? `, ${membershipColumn(type, dialect)}` : '';
    const columns = `${dialect.shownColumns}${membership}${sortKey ? `, ${sortKey} AS sort_key` : ''}`;
    const keyOrder = fixedPage ? 'r.directory_id, r.type, r.pk' : orderBy(sortKey, 'r.pk');
    const pageKeys = `SELECT r.pk FROM resources r WHERE ${conditions.join(' AND ')} ORDER BY ${keyOrder} LIMIT ${rowsWanted}${offset}`;
    // PostgreSQL computes a row's columns before LIMIT skips it, so a deep page would turn every
    // skipped document into text and read every skipped member list: the page's rows are chosen
    // by key first and their columns read after (and put back in order by the caller's ORDER BY).
    // A generic plan takes a bound LIMIT for a tenth of the rows, and would join that many keys by
    // hashing the whole table: an array of keys is read by the primary key, one lookup each.
    const page = dialect.pageInOneStatement
      ? `SELECT ${columns} FROM resources r WHERE r.pk ${fixedPage ? `= ANY (ARRAY(${pageKeys}))` : `IN (${pageKeys})`}`
      : `SELECT ${columns} FROM resources r WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy(sortKey, 'r.pk')} LIMIT ${rowsWanted}${offset}`;
    const count = (p: SqlParams) => `SELECT COUNT(*) AS n FROM resources r WHERE ${where(p)}`;
    const stored = query.withTotal && !query.filter;
    const sequence = (p: SqlParams) => `SELECT last_sequence FROM directories WHERE id = ${p.add(directoryId)}`;

    let rows: ResourceRow[];
    let counted: number | string | null | undefined;
    let lastSequence: number | string | null | undefined;
    // The request's secret is checked once, with the page's sequence (see SecretProbe).
    const probe = query.secretProbe;
    if (dialect.pageInOneStatement) {
      // One statement is one snapshot and one round trip. The page is a CTE with its own ORDER BY
      // and LIMIT (planned as alone); one header row left-joined to it carries the sequence and
      // the total, so an empty page still brings them. Every parameter must appear in the
      // statement, so the count and its condition are built only when used.
      const mustCount = () => [`(SELECT COUNT(*) FROM page) > ${params.add(query.count)}`, ...(query.offset > 0 ? ['NOT EXISTS (SELECT 1 FROM page)'] : [])].join(' OR ');
      const total = !query.withTotal
        ? 'NULL'
        : stored
          ? `(SELECT ${countColumn(type)} FROM directories WHERE id = ${params.add(directoryId)})`
          : query.after
            ? `(${count(params)})`
            : `CASE WHEN ${mustCount()} THEN (${count(params)}) END`;
      const text = `WITH page AS MATERIALIZED (${page})
         SELECT h.*, p.* FROM (SELECT ${query.withSequence ? `(${sequence(params)})` : 'NULL'} AS page_sequence, ${total} AS page_total${secretProbeColumn(probe, params)}) h
         LEFT JOIN page p ON 1 = 1 ORDER BY ${orderBy(sortKey && 'p.sort_key', 'p.pk')}`;
      const joined = await this.driver.all<ResourceRow & { page_sequence: number | string | null; page_total: number | string | null; secret_unchanged?: boolean }>(
        fixedPage || isIndexLookup(model, query) ? fixedStatement(text) : text,
        params.values,
      );
      rows = joined.filter((row) => row.pk !== null);
      counted = joined[0]?.page_total;
      lastSequence = joined[0]?.page_sequence;
      if (probe && joined[0]) probe.unchanged = isTrue(joined[0].secret_unchanged);
    } else {
      // Statements here are calls, not round trips, and materialising the page to join it costs
      // more than a read transaction around three of them.
      ({ rows, counted, lastSequence } = await this.driver.readSnapshot(async (tx) => {
        // As arrays where the driver gives them cheaper (a page is 100 rows or more).
        const rows = tx.arrays && dialect.shownColumns === RESOURCE_COLUMNS ? (await tx.arrays(page, params.values)).map(resourceRowOf) : await tx.all<ResourceRow>(page, params.values);
        const more = rows.length > query.count;
        if (query.includeMembership) await this.attachMembership(tx, type, more ? rows.slice(0, query.count) : rows);
        const mustCount = query.withTotal && !stored && (query.after || more || (rows.length === 0 && query.offset > 0));
        const p = new SqlParams();
        let counted = mustCount ? (await tx.get<{ n: number | string }>(count(p), p.values))?.n : undefined;
        let lastSequence: number | string | undefined;
        if (query.withSequence || stored || probe) {
          // The sequence, the stored count and the secret's check are one read of the directory's row.
          const directoryParams = new SqlParams();
          directoryParams.add(directoryId);
          const probeColumn = secretProbeColumn(probe, directoryParams);
          const directory = await tx.get<{ last_sequence: number | string; n: number | string; secret_unchanged?: unknown }>(
            fixedStatement(`SELECT last_sequence, ${countColumn(type)} AS n${probeColumn} FROM directories WHERE id = $1`),
            directoryParams.values,
          );
          lastSequence = directory?.last_sequence;
          if (stored) counted = directory?.n;
          if (probe && directory) probe.unchanged = isTrue(directory.secret_unchanged);
        }
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
    // The LIMIT as the dialect writes it: a bound one makes SQLite prepare the statement again on every read.
    const params = new SqlParams();
    const rows = await this.driver.all<EventRow>(
      `SELECT * FROM events WHERE directory_id = ${params.add(directoryId)} AND sequence > ${params.add(after)} ORDER BY sequence LIMIT ${this.driver.dialect.rowLimit(limit, params)}`,
      params.values,
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
      fixedStatement(`SELECT ${RESOURCE_COLUMNS}${membership} FROM resources r WHERE ${BY_ID}${directoryLock}${dialect.forUpdate ? `${dialect.forUpdate} OF r` : ''}`),
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
        if (sameIndexedValues(current.resource.type, current.resource.data, data)) return update;
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
    /** Users and groups the write created (or, negative, deleted): the directory's counts move with its sequence. */
    counts: CountChange = NO_COUNT_CHANGE,
  ): Promise<void> {
    const events = drafts.filter((d): d is EventDraft => d !== undefined);
    // Every create and delete has its event, so the sequence's UPDATE below always carries the counts.
    if (events.length === 0 && (counts.users || counts.groups)) throw new Error('A change to the resource counts without an event');
    if (events.length === 0) {
      if (alongside) {
        const params = new SqlParams();
        await tx.run(`WITH ${alongside(params).replace(/, $/, '')} SELECT 1`, params.values);
      }
      return;
    }
    if (this.driver.dialect.writableCte && events.length <= INSERT_ROWS) {
      await this.numberAndInsertEvents(tx, directoryId, events, now, { ctes: alongside, lockFirst: Boolean(this.driver.dialect.lockForSequence), counts });
      return;
    }
    // Upgrading the write's lock on the directory with SELECT … FOR NO KEY UPDATE (rather than
    // letting the UPDATE wait) queues behind other writers without queueing behind a deletion.
    if (this.driver.dialect.lockForSequence) await tx.get(`SELECT 1 AS locked FROM directories WHERE id = $1${this.driver.dialect.lockForSequence}`, [directoryId]);
    if (alongside) {
      const params = new SqlParams();
      await tx.run(`WITH ${alongside(params).replace(/, $/, '')} SELECT 1`, params.values);
    }
    const row = await tx.get<{ last_sequence: number | string }>(
      'UPDATE directories SET last_sequence = last_sequence + $1, user_count = user_count + $3, group_count = group_count + $4 WHERE id = $2 RETURNING last_sequence',
      [events.length, directoryId, counts.users, counts.groups],
    );
    if (!row) throw directoryGone();
    this.driver.directoryRowWritten?.();
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
   * `generated` names a WITH whose rows (ord from 1, type, subject_type, subject_id,
   * subject_version, data) are events too, numbered after `events`: events the statement itself
   * finds (the groups a deletion changes, the members an add inserts). It runs to its end before
   * the directory's row is locked, as a separate statement before the events' one would; its
   * first `bound` events get ids made here, any beyond get ids made by the database.
   * Returns the number of events inserted (0 when `gate`, a condition on the WITHs, is false)
   * and the columns `report` (a SELECT list over the WITHs) asks for.
   */
  private async numberAndInsertEvents(
    tx: SqlExecutor,
    directoryId: string,
    events: EventDraft[],
    now: string,
    options: { ctes?: (params: SqlParams) => string; after?: string; lockFirst?: boolean; generated?: { rows: string; bound: number }; gate?: string; report?: string; counts?: CountChange } = {},
  ): Promise<{ logged: number; report: Record<string, unknown> }> {
    const dialect = this.driver.dialect;
    const params = new SqlParams();
    let extra = options.ctes?.(params) ?? '';
    const [directory, at, count] = [params.add(directoryId), params.add(now), params.add(events.length)];
    const counts = options.counts ?? NO_COUNT_CHANGE;
    const [users, groups] = [params.add(counts.users), params.add(counts.groups)];
    const generated = options.generated;
    const total = generated ? `(${count}::int + (SELECT count(*) FROM ${generated.rows})::int)` : `${count}::int`;
    const conditions = [`id = ${directory}`];
    // Everything the lock (or, without it, the UPDATE) must wait for, as one-time filters.
    const first = [...(options.gate ? [options.gate] : []), ...(generated ? [`(SELECT count(*) FROM ${generated.rows}) >= 0`] : [])];
    if (options.lockFirst) {
      extra += `locked AS (SELECT 1 FROM directories WHERE ${[`id = ${directory}`, ...first].join(' AND ')}${dialect.lockForSequence}), `;
      conditions.push('EXISTS (SELECT 1 FROM locked)');
    } else {
      conditions.push(...first);
    }
    if (options.after) conditions.push(`EXISTS (SELECT 1 FROM ${options.after})`);
    const sources: string[] = [];
    if (events.length) {
      const values = events.map((event, j) => {
        const columns = [randomId('evt'), j, event.type, event.subject.type, event.subject.id, event.subject.version ?? null, dialect.encodeDocument(event.data)];
        const [id, offset, type, subjectType, subjectId, version, data] = columns.map((c) => params.add(c));
        return `(${id}::text, ${offset}::int, ${type}::text, ${subjectType}::text, ${subjectId}::text, ${version}::int, ${data}::jsonb)`;
      });
      sources.push(`VALUES ${values.join(', ')}`);
    }
    if (generated) {
      const ids = params.add(Array.from({ length: generated.bound }, () => randomId('evt')));
      // 13 characters of base62 from a random UUID's base64, as randomId's are (a fallback only).
      const madeHere = `'evt_' || left(translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/=', ''), 13)`;
      sources.push(
        `SELECT COALESCE((${ids}::text[])[g.ord], ${madeHere}), (${count}::int + g.ord - 1)::int, g.type, g.subject_type, g.subject_id, g.subject_version::int, g.data FROM ${generated.rows} g`,
      );
    }
    const row = await tx.get<{ logged: number | string }>(
      fixedStatement(`WITH ${extra}numbered AS (UPDATE directories SET last_sequence = last_sequence + ${total}, user_count = user_count + ${users}::int, group_count = group_count + ${groups}::int WHERE ${conditions.join(' AND ')} RETURNING last_sequence),
       logged AS (INSERT INTO events (id, directory_id, sequence, type, subject_type, subject_id, subject_version, occurred_at, data)
         SELECT v.id, ${directory}, n.last_sequence - ${total} + 1 + v.offset_in_write, v.type, v.subject_type, v.subject_id, v.subject_version, ${at}, v.data
         FROM numbered n, (${sources.join(' UNION ALL ')}) AS v(id, offset_in_write, type, subject_type, subject_id, subject_version, data)
         RETURNING sequence)
       SELECT (SELECT count(*) FROM logged) AS logged${options.report ? `, ${options.report}` : ''}`),
      params.values,
    );
    const logged = Number(row?.logged ?? 0);
    if (logged > 0) this.driver.directoryRowWritten?.();
    if (!options.gate && logged < Math.max(events.length, 1)) throw directoryGone();
    return { logged, report: row ?? {} };
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
    if (!sameIndexedValues(current.type, current.data, data)) await this.writeIndexedValues(tx, pk, current.type, data, true);
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

  /** Puts each row's members or groups where `membershipColumn` would have: the same list, `[]` for none. */
  private async attachMembership(executor: SqlExecutor, type: ResourceTypeName, rows: ResourceRow[]): Promise<void> {
    if (!rows.length) return;
    const pks = rows.map((row) => Number(row.pk));
    let membership: Map<number, Member[]>;
    if (executor.arrays) {
      membership = new Map();
      for (let i = 0; i < pks.length; i += CHUNK) {
        const params = new SqlParams();
        for (const [owner, id, memberType, display] of await executor.arrays(membershipQuery(type, pks.slice(i, i + CHUNK), params), params.values)) {
          let list = membership.get(Number(owner));
          if (!list) membership.set(Number(owner), (list = []));
          list.push({ value: id as string, type: memberType as 'User' | 'Group', display: display as string });
        }
      }
    } else membership = await this.membershipOf(executor, type, pks);
    for (const row of rows) row.membership = membership.get(Number(row.pk)) ?? [];
  }

  /** Members of groups, or groups of users, for a set of resource rows. */
  private async membershipOf(executor: SqlExecutor, type: ResourceTypeName, pks: number[]): Promise<Map<number, Member[]>> {
    const result = new Map<number, Member[]>();
    for (let i = 0; i < pks.length; i += CHUNK) {
      const params = new SqlParams();
      const rows = await executor.all<{ owner: number | string; id: string; type: string; display: string }>(membershipQuery(type, pks.slice(i, i + CHUNK), params), params.values);
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

/** The members of groups, or the groups of users, of the resources `pks`: owner, id, type, display, in the order of both sides' keys. */
function membershipQuery(type: ResourceTypeName, pks: number[], params: SqlParams): string {
  const [self, other] = type === 'Group' ? ['group_pk', 'member_pk'] : ['member_pk', 'group_pk'];
  return `SELECT m.${self} AS owner, x.id, x.type, x.display FROM memberships m JOIN resources x ON x.pk = m.${other}
         WHERE m.${self} IN (${params.list(pks)}) ORDER BY m.${self}, m.${other}`;
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

/**
 * The directory condition written so that no index can serve it: lookups by id must take the id's
 * own unique index. Without statistics (a table that grew through SCIM since its last ANALYZE)
 * PostgreSQL costs (directory_id, type, …) indexes as finding one row too, picks one, and filters
 * every resource of the directory by id (0.34 ms instead of 0.06 ms a GET at 2,000 users, and
 * growing with the directory).
 */
function inDirectory(param: string, column = 'directory_id'): string {
  return `${column} || '' = ${param}`;
}

/** The column `secret_unchanged` that checks a request's secret (SecretProbe), to follow others in a SELECT; '' without one. */
function secretProbeColumn(probe: SecretProbe | undefined, params: SqlParams): string {
  return probe ? `, ${secretUnchangedSql(probe.secret, params)} AS secret_unchanged` : '';
}

/** A boolean column as either database gives it (SQLite: 0 or 1). */
function isTrue(value: unknown): boolean {
  return value === true || value === 1;
}

/** A resource by directory ($1), type ($2) and id ($3), found through the id's unique index. */
const BY_ID = `${inDirectory('$1', 'r.directory_id')} AND r.type = $2 AND r.id = $3`;

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

/**
 * A write's change to the directory's counts of users and groups, kept beside last_sequence and
 * updated by the same statement that numbers the write's events: the row is updated by every
 * write already, so the counts add no statement and no lock.
 */
interface CountChange {
  users: number;
  groups: number;
}

const NO_COUNT_CHANGE: CountChange = { users: 0, groups: 0 };

function counted(type: ResourceTypeName, by: number): CountChange {
  return type === 'User' ? { users: by, groups: 0 } : { users: 0, groups: by };
}

/**
 * Whether a page is the lookup Entra ID and Okta send before every create: one `eq` on the name
 * attribute (userName, displayName) or externalId, unsorted, no cursor. Its text is the same
 * whatever the value, and its plan the same index lookup (resources_name, resources_external_id)
 * whatever the directory's size, generic plan included (docs/performance.md), so it may run as a
 * named statement. Any other filter is planned for its values every time.
 */
function isIndexLookup(model: ResourceModel, query: ResourceQuery): boolean {
  const filter = query.filter;
  if (filter?.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string' || query.sortBy || query.after) return false;
  const attribute = resolveAttribute(model, filter.path);
  return attribute !== undefined && !attribute.container && !attribute.sub && (attribute.name === model.nameAttribute || attribute.name === 'externalId');
}

/** A resource type as an SQL literal; only the two known names can reach the text. */
/**
 * The WITH `removal`: a one-statement deletion's events in numberAndInsertEvents' generated
 * columns, the `deleted` row's own first and then the groups' (`losing`). Its data is what
 * resourceEvent gives a deletion: the attributes deleted and the name they were known by (the
 * name column, userName or displayName as the groups' events show it).
 */
function deletionEvents(type: ResourceTypeName): string {
  const prefix = type === 'User' ? 'user' : 'group';
  return `removal AS MATERIALIZED (SELECT 1::bigint AS ord, '${prefix}.deleted'::text AS type, ${typeLiteral(type)}::text AS subject_type, d.id AS subject_id,
         d.version AS subject_version, jsonb_build_object('attributes', d.data, 'display', d.name) AS data FROM deleted d
       UNION ALL SELECT l.ord + 1, l.type, l.subject_type, l.subject_id, l.subject_version, l.data FROM losing l), `;
}

function typeLiteral(type: ResourceTypeName): string {
  if (type !== 'User' && type !== 'Group') throw new Error(`Unknown resource type ${String(type)}`);
  return `'${type}'`;
}

/** The directories column that counts resources of a type (see CountChange). */
function countColumn(type: ResourceTypeName): string {
  return type === 'User' ? 'user_count' : 'group_count';
}

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
