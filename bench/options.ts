import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, DEFAULT_POSTGRES } from './scimd-server.js';

export interface BenchOptions {
  size: number;
  duration: number;
  connections: number;
  maxRequests: number;
  targets: string[];
  postgres: string;
  scale: number;
  bigGroup: number;
  skipWorkload: boolean;
  quick: boolean;
  sequential: boolean;
  out: string;
  /** scimd servers on one PostgreSQL database in the postgres-replicas target. */
  replicas: number;
}

/** Every target the workload knows; the peers are installed from npm into bench/.peers on first use. */
export const DEFAULT_TARGETS = 'ceiling,sqlite,postgres,scimmy,jackson,jackson-postgres,jackson-sqlite,better-auth';

export const USAGE = `npm run bench -- [options]

Runs the per-operation workload against a bare node:http server (the ceiling), scimd on SQLite
and on PostgreSQL, and the peers (SCIMMY, Jackson, better-auth: installed from npm into
bench/.peers on first use; Jackson in memory, and on its SQL engine on PostgreSQL and on SQLite),
and optionally the scale slice; prints markdown tables and writes
bench/results/<date>-<size>.json (and .md).

  --size N            users the workload creates (default 2000)
  --duration S        longest any one operation runs, in seconds (default 5)
  --connections C     connections for concurrent operations (default 8)
  --max-requests N    most requests any one operation sends (default 20000)
  --quick             a smoke run: --size 300 --duration 1 --max-requests 3000 unless given
  --targets LIST      any of ceiling,sqlite,postgres,scimmy,jackson,jackson-postgres,
                      jackson-sqlite,better-auth (the default: all of them), postgres-replicas (see --replicas), and sqlite-normal: SQLite with --sqlite-synchronous NORMAL,
                      to show what waiting for the disk before answering costs
  --sequential        run one target's whole workload after another; by default the targets take
                      turns, one operation each, so outside load falls on all of them alike
  --postgres URL      PostgreSQL admin URL for creating bench databases
                      (default $SCIMD_BENCH_POSTGRES, else postgres://postgres@127.0.0.1:5432/postgres)
  --replicas N        also run the postgres-replicas target: N scimd servers on one PostgreSQL
                      database, the client sending each connection's requests to them in turn
                      (naming postgres-replicas in --targets alone runs 2)
  --scale N           also seed N users with \`scimd import\` and measure at that size (default 0: skip)
  --big-group N       members of the big group in the scale slice (default min(N, 100000))
  --skip-workload     run only the scale slice
  --out DIR           where results go (default bench/results)
`;

export function parseOptions(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'max-requests': { type: 'string' },
      targets: { type: 'string' },
      postgres: { type: 'string' },
      scale: { type: 'string' },
      'big-group': { type: 'string' },
      'skip-workload': { type: 'boolean' },
      quick: { type: 'boolean' },
      sequential: { type: 'boolean' },
      out: { type: 'string' },
      replicas: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const number = (value: string | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const scale = Math.floor(number(values.scale, 0, 'scale'));
  const quick = values.quick ?? false;
  const replicas = Math.floor(number(values.replicas, 2, 'replicas'));
  if (replicas < 2 && values.replicas !== undefined) throw new Error('--replicas must be 2 or more');
  const targets = (values.targets ?? DEFAULT_TARGETS).split(',').map((t) => t.trim());
  if (values.replicas !== undefined && !targets.includes('postgres-replicas')) targets.push('postgres-replicas');
  return {
    size: Math.max(2, Math.floor(number(values.size, quick ? 300 : 2000, 'size'))),
    duration: number(values.duration, quick ? 1 : 5, 'duration'),
    connections: Math.max(1, Math.floor(number(values.connections, 8, 'connections'))),
    maxRequests: Math.floor(number(values['max-requests'], quick ? 3000 : 20_000, 'max-requests')),
    targets,
    replicas,
    postgres: values.postgres ?? process.env.SCIMD_BENCH_POSTGRES ?? DEFAULT_POSTGRES,
    scale,
    bigGroup: Math.floor(number(values['big-group'], Math.min(scale, 100_000), 'big-group')),
    skipWorkload: values['skip-workload'] ?? false,
    quick,
    sequential: values.sequential ?? false,
    out: values.out ?? join(BENCH_DIR, 'results'),
  };
}
