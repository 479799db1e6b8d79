import { foldCase } from '../../scim/compare.js';
import type { JsonObject } from '../../scim/json.js';
import type { Member } from '../../scim/resource/members.js';
import type { StoredResource } from '../../scim/resource/representation.js';
import { forgetDocumentText, rememberDocumentText } from '../../scim/resource/stored-document-text.js';
import type { ResourceModel, ResourceTypeName } from '../../scim/schema/resource-models.js';
import type { SqlDialect } from './sql-dialect.js';

/** The columns kept beside the JSON document so hot filters and uniqueness use indexes. */
export interface IndexedColumns {
  name: string;
  nameKey: string;
  /** What a member or group reference shows as `display`. */
  display: string;
  externalId: string | null;
  active: boolean | null;
}

export function indexedColumns(model: ResourceModel, data: JsonObject): IndexedColumns {
  const name = String(data[model.nameAttribute]);
  const displayName = typeof data.displayName === 'string' && data.displayName !== '' ? data.displayName : name;
  return {
    name,
    nameKey: foldCase(name),
    display: displayName,
    externalId: typeof data.externalId === 'string' ? data.externalId : null,
    active: typeof data.active === 'boolean' ? data.active : null,
  };
}

export const RESOURCE_COLUMNS = 'r.pk, r.id, r.type, r.data, r.version, r.created, r.last_modified';

/** A row of `RESOURCE_COLUMNS` (and a `sort_key` after them, if selected) read as an array. */
export function resourceRowOf(values: unknown[]): ResourceRow {
  const row: ResourceRow = {
    pk: values[0] as number,
    id: values[1] as string,
    type: values[2] as string,
    data: values[3],
    version: values[4] as number,
    created: values[5] as string,
    last_modified: values[6] as string,
  };
  if (values.length > 7) row.sort_key = values[7];
  return row;
}


/**
 * A column holding the members of a group, or the groups of a user, of the row `r` as a JSON
 * array, in the order of the other side's primary key: the resource and its membership in one
 * statement.
 */
export function membershipColumn(type: ResourceTypeName, dialect: SqlDialect): string {
  const [self, other] = type === 'Group' ? ['group_pk', 'member_pk'] : ['member_pk', 'group_pk'];
  const members = dialect.jsonArrayAgg({ value: 'x.id', type: 'x.type', display: 'x.display' }, `m.${other}`);
  return `(SELECT ${members} FROM memberships m JOIN resources x ON x.pk = m.${other} WHERE m.${self} = r.pk) AS membership`;
}

export interface ResourceRow {
  pk: number | string;
  id: string;
  type: string;
  data: unknown;
  version: number | string;
  created: string;
  last_modified: string;
  [key: string]: unknown;
}

/** The resource in a row; with its membership when the row has the `membershipColumn`. */
export function resourceFromRow(row: ResourceRow, dialect: SqlDialect): StoredResource {
  const resource: StoredResource = {
    id: row.id,
    type: row.type as ResourceTypeName,
    data: dialect.decodeDocument(row.data) as JsonObject,
    version: Number(row.version),
    created: row.created,
    lastModified: row.last_modified,
  };
  if (row.membership !== undefined) resource.membership = membershipOfRow(row.membership, dialect);
  return resource;
}

/**
 * The resource in a row read to be shown: when the driver gives the document as text, the text is
 * kept for splicing into the answer (stored-document-text.ts) and `data` is parsed from it only if
 * something reads it.
 */
export function shownResourceFromRow(row: ResourceRow, dialect: SqlDialect): StoredResource {
  const raw = row.data;
  if (typeof raw !== 'string') return resourceFromRow(row, dialect);
  let parsed: JsonObject | undefined;
  const resource: StoredResource = {
    id: row.id,
    type: row.type as ResourceTypeName,
    get data(): JsonObject {
      return (parsed ??= dialect.decodeDocument(raw) as JsonObject);
    },
    set data(value: JsonObject) {
      forgetDocumentText(resource);
      parsed = value;
    },
    version: Number(row.version),
    created: row.created,
    lastModified: row.last_modified,
  };
  if (row.membership !== undefined) resource.membership = membershipOfRow(row.membership, dialect);
  rememberDocumentText(resource, raw, dialect.documentText);
  return resource;
}

/** The `membershipColumn` as read (JSON), or the list a page's own membership statement put in its place. */
function membershipOfRow(value: unknown, dialect: SqlDialect): Member[] {
  return Array.isArray(value) ? (value as Member[]) : (dialect.decodeDocument(value) as Member[]);
}
