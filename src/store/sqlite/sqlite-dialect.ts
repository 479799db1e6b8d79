import type { SqlDialect } from '../sql/sql-dialect.js';

/** SQLite's JSON1 functions and the `scim_fold` function the driver registers. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  jsonPath: (keys) => `$${keys.map((k) => `.${JSON.stringify(k)}`).join('')}`,
  jsonText: (doc, path) => `(CASE WHEN json_type(${doc}, ${path}) IN ('text', 'integer', 'real') THEN json_extract(${doc}, ${path}) END)`,
  jsonType: (doc, path) => `json_type(${doc}, ${path})`,
  jsonString: (doc, path) => `(CASE WHEN json_type(${doc}, ${path}) = 'text' THEN json_extract(${doc}, ${path}) END)`,
  jsonNumber: (doc, path) => `(CASE WHEN json_type(${doc}, ${path}) IN ('integer', 'real') THEN json_extract(${doc}, ${path}) END)`,
  jsonBooleanIs: (doc, path, value) => `(json_type(${doc}, ${path}) = '${value ? 'true' : 'false'}')`,
  jsonElements: (doc, path, alias) => `json_each(${doc}, ${path}) AS ${alias}`,
  // json_each walks a scalar as one row and an object as its members, hence the second condition.
  jsonScalars: (doc, path, alias) => ({
    from: `json_each(${doc}, ${path}) AS ${alias}`,
    where: `${alias}.type NOT IN ('object', 'array') AND json_type(${doc}, ${path}) <> 'object'`,
  }),
  // json_each walks an object as its members (present when it has one) and a scalar as one row;
  // an element that is an array or an object comes as its JSON text, which SQLite writes compactly.
  jsonPresent: (doc, path, alias) =>
    `(CASE json_type(${doc}, ${path}) WHEN 'object' THEN EXISTS (SELECT 1 FROM json_each(${doc}, ${path})) ELSE EXISTS (SELECT 1 FROM json_each(${doc}, ${path}) AS ${alias} WHERE ${alias}.type <> 'null' AND NOT (${alias}.type = 'text' AND ${alias}.value = '') AND NOT (${alias}.type IN ('array', 'object') AND ${alias}.value IN ('[]', '{}'))) END)`,
  // json_each gives booleans as 1 and 0; json(type) turns them back into JSON true and false.
  elementDocument: (alias) =>
    `(CASE WHEN ${alias}.type = 'object' THEN ${alias}.value WHEN ${alias}.type IN ('true', 'false') THEN json_object('value', json(${alias}.type)) ELSE json_object('value', ${alias}.value) END)`,
  // ORDER BY inside an aggregate needs SQLite 3.44 (better-sqlite3 12 bundles a later one).
  jsonArrayAgg: (fields, orderBy) =>
    `json_group_array(json_object(${Object.entries(fields).map(([key, expr]) => `'${key}', ${expr}`).join(', ')}) ORDER BY ${orderBy})`,
  fold: (expr) => `scim_fold(${expr})`,
  contains: (expr, param) => `instr(${expr}, ${param}) > 0`,
  startsWith: (expr, param) => `substr(${expr}, 1, length(${param})) = ${param}`,
  // substr(x, -0) would be all of x, so the start is counted from the left: `ew ""` matches everything.
  endsWith: (expr, param) => `(length(${expr}) >= length(${param}) AND substr(${expr}, length(${expr}) - length(${param}) + 1) = ${param})`,
  booleanColumnIs: (column, value) => `${column} = ${value ? 1 : 0}`,
  booleanParam: (value) => (value ? 1 : 0),
  encodeDocument: (value) => JSON.stringify(value),
  decodeDocument: (value) => JSON.parse(value as string),
  pageInOneStatement: false,
  rowLimit: (count) => {
    // Spliced into the text, so it must be a plain count (parseListQuery gives one).
    if (!Number.isSafeInteger(count) || count < 0) throw new Error(`LIMIT ${count} is not a row count`);
    return String(count);
  },
  // Stored as JSON.stringify wrote it.
  shownColumns: 'r.pk, r.id, r.type, r.data, r.version, r.created, r.last_modified',
  documentText: (text) => text,
  forUpdate: '',
  lockForWrite: '',
  writableCte: false,
  lockForSequence: '',
  // Checked on one row in 64 (a JavaScript call per row would slow a plain count of a big
  // directory several times over); SQLite skips the call when the left side is true.
  deadlineCondition: '(r.pk % 64 <> 0 OR scimd_within_deadline() = 1)',
  analyze: 'ANALYZE',
  isUniqueViolation: (error) =>
    typeof error === 'object' && error !== null && 'code' in error && String((error as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE'),
  isForeignKeyViolation: (error) =>
    typeof error === 'object' && error !== null && 'code' in error && String((error as { code: unknown }).code) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
};
