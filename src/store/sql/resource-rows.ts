import { foldCase } from '../../scim/compare.js';
import type { JsonObject } from '../../scim/json.js';
import type { StoredResource } from '../../scim/resource/representation.js';
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

export function resourceFromRow(row: ResourceRow, dialect: SqlDialect): StoredResource {
  return {
    id: row.id,
    type: row.type as ResourceTypeName,
    data: dialect.decodeDocument(row.data) as JsonObject,
    version: Number(row.version),
    created: row.created,
    lastModified: row.last_modified,
  };
}
