import type { SqlDriver } from '../sql/sql-driver.js';

/** The tables whose planner statistics decide how SCIM lookups and pages are read. */
export const KEPT_TABLES = ['resources', 'memberships', 'resource_values'] as const;

/**
 * Rows changed since the last ANALYZE below which a refresh is never worth it. Without statistics
 * PostgreSQL costs every (directory_id, type, …) index as finding one row, so an exact lookup may
 * walk `resources_type` and filter; at 2,000 users that walk costs 0.42 ms against 0.06 ms through
 * `resources_name` (docs/performance.md), at a few hundred it is a few hundredths of a millisecond
 * either way. Autovacuum still does the routine refreshes; this is for the first large growth.
 */
export const MIN_CHANGED_ROWS = 500;

/** How often `scimd serve` looks, in ms; only after this process wrote resources (see noteWrites). */
export const STATISTICS_CHECK_MS = 5_000;

/** The part of pino's logger the keeper uses. No line names the database URL. */
export interface StatisticsLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** One ANALYZE the keeper ran. */
export interface StatisticsRefresh {
  table: string;
  /** Rows inserted, updated or deleted since the table's last ANALYZE (PostgreSQL's n_mod_since_analyze). */
  changed: number;
  /** The row count the planner had before (pg_class.reltuples; -1 when never counted). */
  rowsBefore: number;
}

type TableStatus = {
  table: string;
  changed: number | string;
  rows: number;
  never_analyzed: boolean;
  analyzed_at: string | null;
  may_analyze: boolean;
  /** PostgreSQL 15 or newer: its statistics are in shared memory, so an ANALYZE shows in pg_stat at once. */
  stats_at_once: boolean;
};

/**
 * Whether this role may VACUUM or ANALYZE the table of the pg_class row `c`: the table's owner (or
 * a member of the owning role), the database's owner or a superuser; from PostgreSQL 17 anyone
 * granted MAINTAIN. PostgreSQL answers anyone else with a WARNING and does nothing.
 */
export const MAY_MAINTAIN = `(CASE WHEN current_setting('server_version_num')::int >= 170000 THEN has_table_privilege(c.oid, 'MAINTAIN') ELSE pg_has_role(c.relowner, 'USAGE') END
    OR pg_has_role((SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE'))`;

/** The tables' counts, and whether this role may ANALYZE them (MAY_MAINTAIN). */
const STATUS = `SELECT c.relname AS table, s.n_mod_since_analyze AS changed, c.reltuples::float8 AS rows,
  (s.last_analyze IS NULL AND s.last_autoanalyze IS NULL) AS never_analyzed, s.last_analyze::text AS analyzed_at,
  ${MAY_MAINTAIN} AS may_analyze,
  current_setting('server_version_num')::int >= 150000 AS stats_at_once
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.relid IN (${KEPT_TABLES.map((t) => `'${t}'::regclass`).join(', ')})`;

/** One replica refreshes at a time: the others skip (ANALYZEs of one table would only queue). */
const LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('scimd:statistics')) AS held";

/**
 * Whether a table's planner statistics are stale enough to refresh: never analysed (or never
 * counted) and at least MIN_CHANGED_ROWS changed, or about doubled since the last ANALYZE. Growth
 * alone does not mislead the planner much (it scales the analysed row count by the table's
 * current size), so only a change as large as the table itself, when the shape of the data
 * (directories, their sizes) may have changed, is worth an ANALYZE beyond autovacuum's.
 */
export function isStale(status: { changed: number; rows: number; neverAnalyzed: boolean }): boolean {
  const threshold = status.neverAnalyzed || status.rows < 0 ? MIN_CHANGED_ROWS : Math.max(MIN_CHANGED_ROWS, status.rows);
  return status.changed >= threshold;
}

/**
 * Refreshes PostgreSQL's planner statistics of the resource tables after large growth, so a
 * database that grew through SCIM (a new directory's first sync) does not wait for autovacuum's
 * first ANALYZE (a minute or more) with plans costed for an empty table; then VACUUMs them, so
 * index-only reads skip the table again. It runs off the request
 * path on a timer that sends nothing unless this process wrote resources since its last look.
 * A role that may not ANALYZE the tables (not their owner) is reported once, and the keeper stops.
 */
export class StatisticsKeeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** Looks still due: two after a write, since PostgreSQL publishes a connection's row counts up to a second after its commit. */
  private looksDue = 0;
  private refused = false;

  constructor(
    private readonly driver: SqlDriver,
    private readonly log: StatisticsLogger,
    private readonly onRefresh: (refresh: StatisticsRefresh) => void = () => undefined,
  ) {}

  /** Called after every resource write this process commits: the next ticks look at the tables. */
  noteWrites(): void {
    this.looksDue = 2;
  }

  /** False once PostgreSQL refused an ANALYZE: the keeper does nothing more. */
  get active(): boolean {
    return !this.refused;
  }

  /** Looks every `intervalMs` while writes were noted; never overlaps a look still running. */
  start(intervalMs = STATISTICS_CHECK_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running || this.refused || this.looksDue === 0) return;
    this.looksDue--;
    this.running = this.checkNow()
      .catch((error) => this.log.warn({ reason: reasonOf(error) }, 'could not check planner statistics; will look again after the next write'))
      .finally(() => (this.running = undefined));
  }

  /**
   * Looks at the tables now (one statement) and ANALYZEs those that are stale, unless another
   * replica is doing so. Returns the refreshes made.
   */
  async checkNow(): Promise<StatisticsRefresh[]> {
    if (this.refused) return [];
    if (!(await this.driver.all<TableStatus>(STATUS)).some((s) => isStale(statusOf(s)))) return [];
    const refreshes = await this.driver.transaction(async (tx) => {
      if (!(await tx.get<{ held: boolean }>(LOCK))?.held) return [];
      // Read again under the lock: another replica may have refreshed them a moment ago.
      const stale = (await tx.all<TableStatus>(STATUS)).filter((s) => isStale(statusOf(s)));
      if (stale.length === 0) return [];
      // PostgreSQL skips a table the role may not analyse with only a WARNING, not an error.
      const forbidden = stale.filter((s) => !s.may_analyze);
      if (forbidden.length) throw new AnalyzeRefused(forbidden.map((s) => s.table));
      for (const status of stale) await tx.run(`ANALYZE ${status.table}`);
      if (stale[0].stats_at_once) {
        // Confirmed by its timestamp, in case the rules above missed one (read afresh: a
        // transaction caches what it read of pg_stat). Before 15 the collector may lag.
        await tx.get('SELECT pg_stat_clear_snapshot()');
        const after = new Map((await tx.all<TableStatus>(STATUS)).map((s) => [s.table, s.analyzed_at]));
        const skipped = stale.filter((s) => after.get(s.table) === s.analyzed_at);
        if (skipped.length) throw new AnalyzeRefused(skipped.map((s) => s.table));
      }
      return stale.map((s) => ({ table: s.table, changed: Number(s.changed), rowsBefore: s.rows }));
    }).catch((error: unknown) => {
      if (!isRefusal(error)) throw error;
      this.refused = true;
      this.log.warn(
        { reason: reasonOf(error) },
        'cannot refresh planner statistics (ANALYZE): the database role may not analyse the tables; scimd leaves it to autovacuum from now on (grant ownership of the tables to this role, or run with --no-db-analyze)',
      );
      return [];
    });
    for (const refresh of refreshes) {
      this.log.info({ table: refresh.table, rowsChanged: refresh.changed, rowsBefore: refresh.rowsBefore }, `refreshed planner statistics of ${refresh.table} (${refresh.changed} rows changed since its last ANALYZE)`);
      await this.vacuum(refresh.table);
      this.onRefresh(refresh);
    }
    return refreshes;
  }

  /**
   * VACUUMs a table just refreshed, outside the transaction (VACUUM cannot run in one), by the
   * replica that refreshed it. The ANALYZE gave the planner its figures; the VACUUM marks the pages
   * written since as all-visible, so walks of an index that holds every column they need (a deep
   * page's keys, a count) stop visiting the table: a deep page of 2,000 users read its keys in
   * 0.73 ms before and 0.28 ms after. Autovacuum would do it a minute or more later. As rare as the
   * refreshes (once the table about doubled), and best effort: a failure is logged and left to
   * autovacuum. SKIP_LOCKED: a VACUUM already running there (autovacuum's) is not waited for.
   */
  private async vacuum(table: string): Promise<void> {
    try {
      await this.driver.run(`VACUUM (SKIP_LOCKED) ${table}`);
    } catch (error) {
      this.log.warn({ table, reason: reasonOf(error) }, `could not VACUUM ${table} after refreshing its statistics; autovacuum will`);
    }
  }
}

class AnalyzeRefused extends Error {
  constructor(tables: string[]) {
    super(`ANALYZE of ${tables.join(', ')} is not allowed to this role: only the table's owner (or the database's) may analyse it`);
  }
}

/** SQLSTATEs that mean this role or this server will never run the ANALYZE: no privilege, a read-only server (a standby). */
const REFUSAL_CODES = new Set(['42501', '25006']);

function isRefusal(error: unknown): boolean {
  return error instanceof AnalyzeRefused || REFUSAL_CODES.has(String((error as { code?: unknown } | null)?.code ?? ''));
}

/** An error's message and SQLSTATE, never the error object (a connection error may carry its configuration). */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${String(code)})` : message;
}

function statusOf(row: TableStatus): { changed: number; rows: number; neverAnalyzed: boolean } {
  return { changed: Number(row.changed), rows: Number(row.rows), neverAnalyzed: row.never_analyzed };
}
