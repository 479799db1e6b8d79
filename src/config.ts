import type { FilterLimits } from './scim/filter/parser.js';
import { DEFAULT_FILTER_LIMITS } from './scim/filter/parser.js';

/** Everything `scimd serve` can be told, with the defaults a fresh install runs with. */
export interface ServerConfig {
  host: string;
  port: number;
  /** `./data/scimd.db`, `sqlite:path` or `postgres://…`. */
  db: string;
  /** Largest request body accepted, in bytes (Bulk included). */
  bodyLimit: number;
  defaultPageSize: number;
  maxPageSize: number;
  bulkMaxOperations: number;
  maxPatchOperations: number;
  cursorTimeoutSeconds: number;
  filterLimits: FilterLimits;
  /** Create a `default` directory and print a first secret when the database is empty. */
  bootstrap: boolean;
  /** Apply pending schema migrations on start (off when operators run `scimd migrate` themselves). */
  migrate: boolean;
  /** PostgreSQL: most pooled connections per process, and the longest a statement may run. */
  dbPoolSize: number;
  dbStatementTimeoutMs: number;
  /** SQLite: fsync every commit (FULL, survives power loss) or at checkpoints (NORMAL). */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Trust X-Forwarded-* headers from a reverse proxy. */
  trustProxy: boolean;
  logLevel: string;
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  db: './data/scimd.db',
  bodyLimit: 1024 * 1024,
  defaultPageSize: 100,
  maxPageSize: 1000,
  bulkMaxOperations: 1000,
  maxPatchOperations: 1000,
  cursorTimeoutSeconds: 24 * 3600,
  filterLimits: DEFAULT_FILTER_LIMITS,
  bootstrap: true,
  migrate: true,
  dbPoolSize: 10,
  dbStatementTimeoutMs: 30_000,
  sqliteSynchronous: 'FULL',
  trustProxy: false,
  logLevel: 'info',
};
