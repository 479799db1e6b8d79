import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { memoryOf } from './processes.js';
import { workloadTable, type TargetResult } from './report.js';
import { runScale, scaleTable, type ScaleResult } from './scale.js';
import { createDatabase, createDirectory, postgresReachable, startCeiling, startScimd, type Backend } from './scimd-server.js';
import { runWorkload } from './workload.js';

const LABELS: Record<string, string> = { ceiling: 'bare node:http', sqlite: 'SQLite', 'sqlite-normal': 'SQLite (NORMAL)', postgres: 'PostgreSQL' };
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  const started = new Date();
  const loadBefore = os.loadavg()[0];
  if (loadBefore > 1) log(`note: the machine is busy (load average ${loadBefore.toFixed(1)} on ${os.cpus().length} cores); figures will be noisy`);
  const postgresUp = options.targets.includes('postgres') && (await postgresReachable(options.postgres));
  const targets: TargetResult[] = [];
  if (!options.skipWorkload) {
    for (const name of options.targets) {
      log(`\n${LABELS[name] ?? name}: workload with ${options.size} users`);
      if (name === 'postgres' && !postgresUp) {
        targets.push({ name, label: LABELS[name], operations: [], skipped: `no PostgreSQL at ${redact(options.postgres)}` });
        continue;
      }
      targets.push(await workloadOn(name, options));
    }
  }
  const scale: ScaleResult[] = [];
  if (options.scale > 0) {
    for (const name of options.targets.filter((t): t is Backend => t === 'sqlite' || t === 'postgres')) {
      if (name === 'postgres' && !postgresUp) continue;
      log(`\n${LABELS[name]}: scale slice with ${options.scale} users and a group of ${options.bigGroup}`);
      scale.push(await runScale(name, LABELS[name], options, log));
    }
  }

  const date = started.toISOString().slice(0, 10);
  const stem = options.skipWorkload ? `${date}-scale-${options.scale}` : `${date}-${options.size}${options.scale ? `-scale-${options.scale}` : ''}`;
  const markdown = [
    `# scimd bench, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    machineLine(),
    `Load average (1 min) at start ${loadBefore.toFixed(1)}, at end ${os.loadavg()[0].toFixed(1)}: anything above 0.5 means other work shared the machine.`,
    '',
    ...(targets.length
      ? [`## Per operation (${options.size} users, ${options.connections} connections for concurrent operations, at most ${options.duration} s each)`, '', workloadTable(targets)]
      : []),
    ...(scale.length ? [`## At scale (${options.scale} users, a group of ${options.bigGroup})`, '', scaleTable(scale)] : []),
  ].join('\n');
  mkdirSync(options.out, { recursive: true });
  const file = join(options.out, `${stem}.json`);
  writeFileSync(file, `${JSON.stringify({ date: started.toISOString(), machine: machine(), load: { start: loadBefore, end: os.loadavg()[0] }, options: { ...options, postgres: redact(options.postgres) }, targets, scale }, null, 2)}\n`);
  writeFileSync(join(options.out, `${stem}.md`), markdown);
  process.stdout.write(`${markdown}\n`);
  log(`\nresults: ${file}`);
}

async function workloadOn(name: string, options: BenchOptions): Promise<TargetResult> {
  const run = randomBytes(3).toString('hex');
  const workload = { size: options.size, duration: options.duration, connections: options.connections, maxRequests: options.maxRequests, run };
  if (name === 'ceiling') {
    const server = await startCeiling();
    try {
      const operations = await runWorkload(server.endpoint, server.base, workload, log);
      return { name, label: LABELS[name], operations, startupMs: Math.round(server.process.startupMs), ...memory(server.process.pid) };
    } finally {
      await server.process.stop();
    }
  }
  if (name !== 'sqlite' && name !== 'sqlite-normal' && name !== 'postgres') {
    throw new Error(`unknown target ${name}: use ceiling, sqlite, sqlite-normal or postgres`);
  }
  // sqlite-normal: the same server with --sqlite-synchronous NORMAL, to show what an fsync per commit costs.
  const backend: Backend = name === 'postgres' ? 'postgres' : 'sqlite';
  const database = await createDatabase(backend, options.postgres);
  try {
    const { secret } = await createDirectory(database.url, 'bench');
    const server = await startScimd(database.url, secret, name === 'sqlite-normal' ? ['--sqlite-synchronous', 'NORMAL'] : []);
    try {
      const operations = await runWorkload(server.endpoint, server.base, workload, log);
      const result: TargetResult = {
        name,
        label: LABELS[name],
        operations,
        startupMs: Math.round(server.process.startupMs),
        ...memory(server.process.pid),
        databaseBytes: await database.sizeBytes(),
      };
      return result;
    } finally {
      await server.process.stop();
    }
  } finally {
    await database.drop();
  }
}

function memory(pid: number): { rssMb?: number; peakRssMb?: number } {
  const m = memoryOf(pid);
  return m ? { rssMb: m.rssMb, peakRssMb: m.peakRssMb } : {};
}

function machine() {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpu: cpus[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

function machineLine(): string {
  const m = machine();
  return `Machine: ${m.cpus} × ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}. Client and servers share the machine; all traffic is keep-alive HTTP/1.1 over 127.0.0.1.`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
