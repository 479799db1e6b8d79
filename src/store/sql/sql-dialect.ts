import type { SqlParams } from './sql-params.js';
/**
 * What differs between the SQL of SQLite and PostgreSQL, as small expression builders. SQL is
 * written with numbered `$1` placeholders, which both databases accept, so a parameter may be
 * used twice. JSON paths are always bound as parameters, never spliced into SQL text.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Bound value for a JSON path of keys, e.g. ['name', 'familyName']. */
  jsonPath(keys: string[]): unknown;
  /** The scalar at `path` in document `doc` as text (NULL when absent or not a scalar). */
  jsonText(doc: string, path: string): string;
  /** The JSON type name of the value at `path`, NULL when absent (used for presence). */
  jsonType(doc: string, path: string): string;
  /** The value at `path` if it is a JSON string, else NULL. */
  jsonString(doc: string, path: string): string;
  /** The scalar at `path` as a number, NULL unless it is a JSON number. */
  jsonNumber(doc: string, path: string): string;
  /** True when the value at `path` is the JSON boolean `value`. */
  jsonBooleanIs(doc: string, path: string, value: boolean): string;
  /** A FROM item iterating the elements of the JSON array at `path`, as `alias`. */
  jsonElements(doc: string, path: string, alias: string): string;
  /**
   * The scalars at `path` as `alias`: the value itself, or each scalar element when it is an
   * array (objects are skipped). `where` must be added to the query's conditions.
   */
  jsonScalars(doc: string, path: string, alias: string): { from: string; where: string };
  /**
   * True when the value at `path` is present as `pr` reads it (RFC 7644 §3.4.2.2): not null, not
   * "", not an empty array or object; an array is present when one of its elements is. `alias`
   * names the rows of the array it walks.
   */
  jsonPresent(doc: string, path: string, alias: string): string;
  /** The document of one element produced by `jsonElements` or `jsonScalars`. */
  elementDocument(alias: string): string;
  /**
   * An aggregate of one JSON object per row (keys from `fields`, values from their SQL
   * expressions) in `orderBy` order, as a JSON array: `[]` when there are no rows. Lets a
   * resource row carry its members or groups, so reading them costs no second statement.
   */
  jsonArrayAgg(fields: Record<string, string>, orderBy: string): string;
  /** Case folding matching `foldCase` of the protocol core. */
  fold(expr: string): string;
  contains(expr: string, param: string): string;
  startsWith(expr: string, param: string): string;
  endsWith(expr: string, param: string): string;
  /** A boolean column compared with a boolean. */
  booleanColumnIs(column: string, value: boolean): string;
  /** How a boolean is bound as a parameter. */
  booleanParam(value: boolean): unknown;
  /** Serialises a JSON document for a parameter of the document column. */
  encodeDocument(value: unknown): unknown;
  /** Reads a document column value back into an object. */
  decodeDocument(value: unknown): unknown;
  /**
   * Whether a list page, its count and the event sequence are read in one statement (each
   * statement is a round trip) rather than in a read transaction of several.
   */
  pageInOneStatement: boolean;
  /**
   * A LIMIT's row count as SQL: a placeholder, or on SQLite a literal. SQLite reads a bound LIMIT
   * as a constant for the plan and prepares the statement again every time it is bound (9 µs
   * here, twice a one-row lookup by userName); the counts a page asks for are few, so each literal
   * is one cached statement.
   */
  rowLimit(count: number, params: Pick<SqlParams, 'add'>): string;
  /** The resource columns with `data` read as JSON text (for splicing into answers). */
  shownColumns: string;
  /** That text as JSON.stringify would write it. */
  documentText(text: string): string;
  /** Appended to a SELECT that reads a row about to be written, to lock it where supported. */
  readonly forUpdate: string;
  /** Appended to the SELECT of a directory's row that starts a write, to lock it against deletion. */
  readonly lockForWrite: string;
  /** Appended to the SELECT that locks a directory's row before its event sequence moves; empty where not needed. */
  readonly lockForSequence: string;
  /**
   * A condition on the resources table (alias `r`) that stops a query running past its time:
   * SQLite has no statement timeout, so a function checks a deadline as rows are read; empty on
   * PostgreSQL, whose `statement_timeout` does it.
   */
  readonly deadlineCondition: string;
  /** Whether INSERT … RETURNING can run inside a WITH, saving a round trip (PostgreSQL). */
  readonly writableCte: boolean;
  /** Refreshes the planner's statistics after a bulk load; runs outside any transaction. */
  readonly analyze: string;
  /** Whether a driver error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /** Whether a driver error is a foreign-key violation (the directory was deleted meanwhile). */
  isForeignKeyViolation(error: unknown): boolean;
}
