import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR } from './scimd-server.js';

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
  out: string;
}

export const USAGE = `npm run bench -- [options]

Runs the per-operation workload against a bare node:http server (the ceiling), scimd on SQLite
and scimd on PostgreSQL, and optionally the scale slice; prints a markdown table and writes
bench/results/<date>-<size>.json (and .md).

  --size N            users the workload creates (default 2000)
  --duration S        longest any one operation runs, in seconds (default 5)
  --connections C     connections for concurrent operations (default 8)
  --max-requests N    most requests any one operation sends (default 20000)
  --targets LIST      ceiling,sqlite,postgres (the default), and sqlite-normal: SQLite with
                      --sqlite-synchronous NORMAL, to show what an fsync per commit costs
  --postgres URL      PostgreSQL admin URL for creating bench databases
                      (default $SCIMD_BENCH_POSTGRES, else postgres://postgres@127.0.0.1:5432/postgres)
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
      out: { type: 'string' },
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
  return {
    size: Math.max(2, Math.floor(number(values.size, 2000, 'size'))),
    duration: number(values.duration, 5, 'duration'),
    connections: Math.max(1, Math.floor(number(values.connections, 8, 'connections'))),
    maxRequests: Math.floor(number(values['max-requests'], 20_000, 'max-requests')),
    targets: (values.targets ?? 'ceiling,sqlite,postgres').split(',').map((t) => t.trim()),
    postgres: values.postgres ?? process.env.SCIMD_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    scale,
    bigGroup: Math.floor(number(values['big-group'], Math.min(scale, 100_000), 'big-group')),
    skipWorkload: values['skip-workload'] ?? false,
    out: values.out ?? join(BENCH_DIR, 'results'),
  };
}
