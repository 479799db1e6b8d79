import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { ServerConfig } from '../config.js';
import { KEPT_TABLES, StatisticsKeeper } from '../store/postgres/statistics-keeper.js';
import { SqlStore } from '../store/sql/sql-store.js';
import type { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** PostgreSQL's planner statistics keeper, which `scimd serve` starts; null on SQLite or with --no-db-analyze. */
    statistics: StatisticsKeeper | null;
  }
}

/**
 * Wires the statistics keeper into the app on PostgreSQL: told of every resource write (by the
 * driver, as the write moves its directory's event sequence), counted in
 * `scimd_db_statistics_refreshes_total`, stopped when the app closes. SQLite needs none: without statistics it already takes the unique index for an exact
 * lookup (docs/performance.md, "A fresh table has no planner statistics").
 */
export function registerStatistics(app: FastifyInstance, options: { store: Store; config: ServerConfig; metrics: Registry }): StatisticsKeeper | null {
  const { store, config } = options;
  if (!config.dbAnalyze || store.kind !== 'postgres' || !(store instanceof SqlStore)) {
    app.decorate('statistics', null);
    return null;
  }
  const refreshes = new Counter({
    name: 'scimd_db_statistics_refreshes_total',
    help: 'PostgreSQL: ANALYZEs this process ran after large growth of a table, by table',
    labelNames: ['table'],
    registers: [options.metrics],
  });
  // Each table shows from the start, at 0, so a rate() over it has a beginning.
  for (const table of KEPT_TABLES) refreshes.inc({ table }, 0);
  const keeper = new StatisticsKeeper(store.sqlDriver, app.log, ({ table }) => refreshes.inc({ table }));
  // Every write that creates, changes or deletes a resource moves its directory's event sequence.
  store.sqlDriver.afterDirectoryRowWritten?.(() => keeper.noteWrites());
  app.decorate('statistics', keeper);
  app.addHook('onClose', async () => keeper.stop());
  return keeper;
}
