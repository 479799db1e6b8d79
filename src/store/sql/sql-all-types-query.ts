import type { Member } from '../../scim/resource/members.js';
import { modelFor, resourceModels, type ResourceTypeName } from '../../scim/schema/resource-models.js';
import type { AllTypesQuery, QueryResult } from '../store.js';
import { compileFilter } from './filter-compiler.js';
import { fixedStatement } from './fixed-statements.js';
import { RESOURCE_COLUMNS, resourceFromRow, type ResourceRow } from './resource-rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-driver.js';
import { SqlParams } from './sql-params.js';
import { sortExpression } from './sort-compiler.js';

/** Reads the membership of resource rows of one type (SqlStore's). */
export type MembershipReader = (executor: SqlExecutor, type: ResourceTypeName, pks: number[]) => Promise<Map<number, Member[]>>;

/**
 * One page of a search across resource types, in one statement: each type's rows are matched by
 * that type's reading of the filter and sorted by that type's reading of `sortBy`, joined with
 * `CASE r.type`, so paging and sorting cross the boundary between types in the database.
 */
export async function queryAllTypes(db: SqlExecutor, dialect: SqlDialect, directoryId: string, query: AllTypesQuery, membershipOf: MembershipReader): Promise<QueryResult> {
  const where = (params: SqlParams) => {
    const directory = `r.directory_id = ${params.add(directoryId)}`;
    const perType = resourceModels.map((model) => {
      const type = `r.type = ${params.add(model.name)}`;
      return query.filter ? `(${type} AND ${compileFilter(query.filter, model, dialect, params, { unknownAttributes: 'absent' })})` : `(${type})`;
    });
    return `${directory} AND (${perType.join(' OR ')})`;
  };
  const countAll = async () => {
    // Unfiltered, the total is the directory's stored counts (kept by every create and delete, as
    // unfiltered /Users and /Groups pages read them): one row by key instead of counting rows.
    if (!query.filter) {
      const row = await db.get<{ n: number | string }>(fixedStatement('SELECT user_count + group_count AS n FROM directories WHERE id = $1'), [directoryId]);
      return Number(row?.n ?? 0);
    }
    const params = new SqlParams();
    const row = await db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM resources r WHERE ${where(params)}`, params.values);
    return Number(row?.n ?? 0);
  };
  if (query.count === 0) return { total: await countAll(), resources: [] };

  const params = new SqlParams();
  const conditions = where(params);
  const descending = query.sortOrder === 'descending';
  const order = query.sortBy ? sortedOrder(query.sortBy, descending, dialect, params) : `CASE r.type WHEN 'User' THEN 0 ELSE 1 END, r.pk`;
  const limit = dialect.rowLimit(query.count + 1, params);
  const offset = params.add(query.offset);
  const rows = await db.all<ResourceRow>(`SELECT ${RESOURCE_COLUMNS} FROM resources r WHERE ${conditions} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params.values);
  const more = rows.length > query.count;
  const page = more ? rows.slice(0, query.count) : rows;
  const ended = !more && (page.length > 0 || query.offset === 0);
  const total = ended ? query.offset + page.length : await countAll();
  const resources = page.map((row) => resourceFromRow(row, dialect));
  for (const type of query.includeMembership) {
    const pks = page.filter((row) => row.type === type).map((row) => Number(row.pk));
    if (!pks.length) continue;
    const membership = await membershipOf(db, type, pks);
    page.forEach((row, i) => {
      if (row.type === type) resources[i].membership = membership.get(Number(row.pk)) ?? [];
    });
  }
  return { total, resources };
}

/** ORDER BY for a sort key read per type; a type without the attribute sorts as having no value: last, as on /Users and /Groups. */
function sortedOrder(sortBy: NonNullable<AllTypesQuery['sortBy']>, descending: boolean, dialect: SqlDialect, params: SqlParams): string {
  const branches = resourceModels
    .filter((model) => sortBy[model.name] !== undefined)
    .map((model) => `WHEN ${params.add(model.name)} THEN ${sortExpression(sortBy[model.name]!, modelFor(model.name), dialect, params).expr}`);
  const key = `(CASE r.type ${branches.join(' ')} END)`;
  const direction = descending ? ' DESC' : '';
  return `${key} IS NULL, ${key}${direction}, r.pk${direction}`;
}
