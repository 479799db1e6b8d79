import { compactJsonText } from '../../scim/json-object-members.js';
import type { SqlDialect } from '../sql/sql-dialect.js';

/** PostgreSQL's JSONB operators; paths are bound as text arrays. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  jsonPath: (keys) => keys,
  jsonText: (doc, path) => `(CASE WHEN jsonb_typeof(${doc} #> ${path}::text[]) IN ('string', 'number') THEN ${doc} #>> ${path}::text[] END)`,
  jsonType: (doc, path) => `jsonb_typeof(${doc} #> ${path}::text[])`,
  jsonString: (doc, path) => `(CASE WHEN jsonb_typeof(${doc} #> ${path}::text[]) = 'string' THEN ${doc} #>> ${path}::text[] END)`,
  jsonNumber: (doc, path) => `(CASE WHEN jsonb_typeof(${doc} #> ${path}::text[]) = 'number' THEN (${doc} #>> ${path}::text[])::numeric END)`,
  jsonBooleanIs: (doc, path, value) => `((${doc} #> ${path}::text[]) = '${value ? 'true' : 'false'}'::jsonb)`,
  jsonElements: (doc, path, alias) =>
    `jsonb_array_elements(CASE WHEN jsonb_typeof(${doc} #> ${path}::text[]) = 'array' THEN ${doc} #> ${path}::text[] ELSE '[]'::jsonb END) AS ${alias}(value)`,
  jsonScalars: (doc, path, alias) => ({
    from: `jsonb_array_elements(CASE jsonb_typeof(${doc} #> ${path}::text[]) WHEN 'array' THEN ${doc} #> ${path}::text[] WHEN 'object' THEN '[]'::jsonb ELSE jsonb_build_array(${doc} #> ${path}::text[]) END) AS ${alias}(value)`,
    where: `jsonb_typeof(${alias}.value) IN ('string', 'number', 'boolean')`,
  }),
  // An absent value becomes [null], whose one element is not present.
  jsonPresent: (doc, path, alias) =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(${doc} #> ${path}::text[]) WHEN 'array' THEN ${doc} #> ${path}::text[] ELSE jsonb_build_array(${doc} #> ${path}::text[]) END) AS ${alias}(value) WHERE ${alias}.value NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`,
  elementDocument: (alias) => `(CASE WHEN jsonb_typeof(${alias}.value) = 'object' THEN ${alias}.value ELSE jsonb_build_object('value', ${alias}.value) END)`,
  jsonArrayAgg: (fields, orderBy) =>
    `COALESCE(json_agg(json_build_object(${Object.entries(fields).map(([key, expr]) => `'${key}', ${expr}`).join(', ')}) ORDER BY ${orderBy}), '[]'::json)`,
  fold: (expr) => `lower(${expr})`,
  contains: (expr, param) => `strpos(${expr}, ${param}::text) > 0`,
  startsWith: (expr, param) => `left(${expr}, length(${param}::text)) = ${param}::text`,
  endsWith: (expr, param) => `right(${expr}, length(${param}::text)) = ${param}::text`,
  booleanColumnIs: (column, value) => `${column} = ${value ? 'TRUE' : 'FALSE'}`,
  booleanParam: (value) => value,
  encodeDocument: (value) => JSON.stringify(value),
  decodeDocument: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  pageInOneStatement: true,
  rowLimit: (count, params) => params.add(count),
  // JSONB's text has a space after every colon and comma; its keys are in JSONB's order, which
  // is also the order JSON.parse gives them when the driver parses the column.
  shownColumns: 'r.pk, r.id, r.type, r.data::text AS data, r.version, r.created, r.last_modified',
  documentText: compactJsonText,
  forUpdate: ' FOR UPDATE',
  lockForWrite: ' FOR KEY SHARE',
  writableCte: true,
  lockForSequence: ' FOR NO KEY UPDATE',
  deadlineCondition: '',
  // VACUUM also marks pages all-visible, so counts can be answered from an index alone.
  analyze: 'VACUUM (ANALYZE)',
  isUniqueViolation: (error) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505',
  isForeignKeyViolation: (error) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503',
};
