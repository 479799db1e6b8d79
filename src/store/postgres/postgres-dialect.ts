import type { SqlDialect } from '../sql/sql-dialect.js';

/** PostgreSQL's JSONB operators; paths are bound as text arrays. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  jsonPath: (keys) => keys,
  jsonText: (doc, path) => `(CASE WHEN jsonb_typeof(${doc} #> ${path}::text[]) IN ('string', 'number') THEN ${doc} #>> ${path}::text[] END)`,
  jsonType: (doc, path) => `jsonb_typeof(${doc} #> ${path}::text[])`,
  jsonNumber: (doc, path) => `(CASE WHEN jsonb_typeof(${doc} #> ${path}::text[]) = 'number' THEN (${doc} #>> ${path}::text[])::numeric END)`,
  jsonBooleanIs: (doc, path, value) => `((${doc} #> ${path}::text[]) = '${value ? 'true' : 'false'}'::jsonb)`,
  jsonElements: (doc, path, alias) =>
    `jsonb_array_elements(CASE WHEN jsonb_typeof(${doc} #> ${path}::text[]) = 'array' THEN ${doc} #> ${path}::text[] ELSE '[]'::jsonb END) AS ${alias}(value)`,
  elementDocument: (alias) => `(CASE WHEN jsonb_typeof(${alias}.value) = 'object' THEN ${alias}.value ELSE jsonb_build_object('value', ${alias}.value) END)`,
  fold: (expr) => `lower(${expr})`,
  contains: (expr, param) => `strpos(${expr}, ${param}::text) > 0`,
  startsWith: (expr, param) => `left(${expr}, length(${param}::text)) = ${param}::text`,
  endsWith: (expr, param) => `right(${expr}, length(${param}::text)) = ${param}::text`,
  booleanColumnIs: (column, value) => `${column} = ${value ? 'TRUE' : 'FALSE'}`,
  booleanParam: (value) => value,
  encodeDocument: (value) => JSON.stringify(value),
  decodeDocument: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  forUpdate: ' FOR UPDATE',
  isUniqueViolation: (error) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505',
};
