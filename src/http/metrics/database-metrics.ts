import type { FastifyBaseLogger } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DatabaseStats, Store } from '../../store/store.js';

type PoolField = 'totalConnections' | 'idleConnections' | 'waitingClients' | 'maxConnections';
type FileField = 'fileBytes' | 'walBytes';
type CommitField = 'commits' | 'walSyncs';

/**
 * Database figures read at scrape time: whether the database answers, and for PostgreSQL the
 * pool's connections and waiting queries (a pool that is always full wants a bigger
 * `--db-pool-size`), for SQLite the size of the database file and its write-ahead log, and how
 * many commits each log sync covered (group commit: under concurrent writes, several per sync).
 */
export function registerDatabaseMetrics(registry: Registry, store: Store, log: FastifyBaseLogger): void {
  new Gauge({
    name: 'scimd_database_up',
    help: '1 when the database answered a trivial query during this scrape, else 0',
    labelNames: ['backend'],
    registers: [registry],
    async collect() {
      let up = 1;
      try {
        await store.ping();
      } catch (err) {
        up = 0;
        log.warn({ err }, 'database not reachable during /metrics scrape');
      }
      this.reset();
      this.set({ backend: store.kind }, up);
    },
  });

  // Each figure reads the stats itself: they are counters in memory or a stat() call, and
  // prom-client collects metrics concurrently, so sharing one read would need ordering.
  const figure = (type: 'gauge' | 'counter', name: string, help: string, read: (stats: DatabaseStats) => number | undefined) => {
    async function collect(this: Gauge | Counter) {
      const stats = await store.stats().catch(() => undefined);
      this.reset();
      const value = stats && read(stats);
      if (value === undefined) return;
      if (this instanceof Counter) this.inc(value);
      else this.set(value);
    }
    const configuration = { name, help, registers: [registry], collect };
    return type === 'gauge' ? new Gauge(configuration) : new Counter(configuration);
  };
  const gauge = (name: string, help: string, read: (stats: DatabaseStats) => number | undefined) => figure('gauge', name, help, read);
  const counter = (name: string, help: string, field: CommitField) =>
    figure('counter', name, help, (stats) => (stats.kind === 'sqlite' ? stats[field] : undefined));
  const pool = (field: PoolField) => (stats: DatabaseStats) => (stats.kind === 'postgres' ? stats[field] : undefined);
  const file = (field: FileField) => (stats: DatabaseStats) => (stats.kind === 'sqlite' ? stats[field] : undefined);
  if (store.kind === 'postgres') {
    gauge('scimd_db_pool_connections', 'PostgreSQL: connections the pool holds, busy and idle', pool('totalConnections'));
    gauge('scimd_db_pool_idle_connections', 'PostgreSQL: pooled connections not in use', pool('idleConnections'));
    gauge('scimd_db_pool_waiting_requests', 'PostgreSQL: queries waiting for a free connection', pool('waitingClients'));
    gauge('scimd_db_pool_max_connections', 'PostgreSQL: the most connections the pool may open (--db-pool-size)', pool('maxConnections'));
  } else {
    gauge('scimd_sqlite_file_bytes', 'SQLite: size of the database file in bytes', file('fileBytes'));
    gauge('scimd_sqlite_wal_bytes', 'SQLite: size of the write-ahead log in bytes', file('walBytes'));
    counter('scimd_sqlite_commits_total', 'SQLite: write transactions committed by this process', 'commits');
    counter('scimd_sqlite_wal_syncs_total', 'SQLite: syncs of the write-ahead log that made those commits durable', 'walSyncs');
  }
}
