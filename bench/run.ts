import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { memoryOf } from './processes.js';
import type { TargetResult } from './report.js';
import { resultsMarkdown, type BenchResults } from './results-markdown.js';
import { runScale, type ScaleResult } from './scale.js';
import { createDatabase, createDirectory, postgresReachable, startCeiling, startScimd, type Backend, type ScimdServer } from './scimd-server.js';
import { installPeers, isPeerName, PEERS, startPeer, type PeerName } from './peers/index.js';
import { Turns } from './turns.js';
import { runWorkload } from './workload.js';

const LABELS: Record<string, string> = {
  ceiling: 'bare node:http',
  sqlite: 'SQLite',
  'sqlite-normal': 'SQLite (NORMAL)',
  postgres: 'PostgreSQL',
  'postgres-replicas': 'PostgreSQL replicas',
  ...Object.fromEntries(PEERS.map((p) => [p.name, p.label])),
};
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
  const unknown = options.targets.filter((t) => !(t in LABELS));
  if (unknown.length) throw new Error(`unknown target ${unknown.join(', ')}: use ${Object.keys(LABELS).join(', ')}`);
  // scimd's PostgreSQL targets and the peers that keep their data in PostgreSQL.
  const needsPostgres = (t: string) => t.startsWith('postgres') || PEERS.some((p) => p.name === t && p.database === 'postgres');
  const postgresUp = options.targets.some(needsPostgres) && (await postgresReachable(options.postgres));
  const peers = options.skipWorkload ? [] : options.targets.filter(isPeerName);
  if (peers.length) await installPeers(peers, log);
  let targets: TargetResult[] = [];
  if (!options.skipWorkload) {
    log(`workload with ${options.size} users on ${options.targets.join(', ')}, ${options.sequential ? 'one target after another' : 'the targets taking turns, one operation each'}`);
    // Every target runs at once but only the one holding the turn sends requests; the others' servers sit idle.
    const turns = new Turns();
    targets = await Promise.all(
      options.targets.map(async (name): Promise<TargetResult> => {
        if (needsPostgres(name) && !postgresUp) return { name, label: LABELS[name], operations: [], skipped: `no PostgreSQL at ${redact(options.postgres)}` };
        await turns.take();
        try {
          const loadStart = os.loadavg()[0];
          const prefix = `[${LABELS[name]}]`;
          const yieldTurn = options.sequential ? undefined : () => turns.pass();
          const result = await workloadOn(name, options, (line) => log(`${prefix.padEnd(20)} ${line.trim()}`), yieldTurn);
          return { ...result, load: { start: loadStart, end: os.loadavg()[0] } };
        } catch (error) {
          // One target failing must not end the others mid-run (their servers would be left behind).
          const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
          log(`${LABELS[name]} failed: ${reason}`);
          return { name, label: LABELS[name], operations: [], skipped: `failed: ${reason}` };
        } finally {
          turns.give();
        }
      }),
    );
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
  mkdirSync(options.out, { recursive: true });
  const file = join(options.out, `${stem}.json`);
  const results: BenchResults = { date: started.toISOString(), machine: machine(), load: { start: loadBefore, end: os.loadavg()[0] }, options: { ...options, postgres: redact(options.postgres) }, targets, scale };
  const markdown = resultsMarkdown(results);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(options.out, `${stem}.md`), markdown);
  process.stdout.write(`${markdown}\n`);
  log(`\nresults: ${file}`);
}

async function workloadOn(name: string, options: BenchOptions, log: (line: string) => void, yieldTurn?: () => Promise<void>): Promise<TargetResult> {
  const run = randomBytes(3).toString('hex');
  const workload = { size: options.size, duration: options.duration, connections: options.connections, maxRequests: options.maxRequests, run, yieldTurn };
  if (name === 'ceiling') {
    const server = await startCeiling();
    try {
      const operations = await runWorkload({ ...server.endpoint, serverPids: [server.process.pid] }, server.base, workload, log);
      return { name, label: LABELS[name], operations, startupMs: Math.round(server.process.startupMs), ...memory(server.process.pid) };
    } finally {
      await server.process.stop();
    }
  }
  if (isPeerName(name)) return peerWorkload(name, workload, options.postgres, log);
  if (name !== 'sqlite' && name !== 'sqlite-normal' && name !== 'postgres' && name !== 'postgres-replicas') throw new Error(`unknown target ${name}`);
  // sqlite-normal: the same server with --sqlite-synchronous NORMAL, to show what waiting for the disk before answering costs.
  const backend: Backend = name.startsWith('postgres') ? 'postgres' : 'sqlite';
  // postgres-replicas: several servers on the one database, the client taking them in turn.
  const replicas = name === 'postgres-replicas' ? options.replicas : 1;
  const database = await createDatabase(backend, options.postgres);
  try {
    const { secret } = await createDirectory(database.url, 'bench');
    const servers: ScimdServer[] = [];
    try {
      for (let i = 0; i < replicas; i++) servers.push(await startScimd(database.url, secret, name === 'sqlite-normal' ? ['--sqlite-synchronous', 'NORMAL'] : []));
      const endpoint = { ...servers[0].endpoint, serverPids: servers.map((s) => s.process.pid), ...(replicas > 1 ? { ports: servers.map((s) => s.endpoint.port) } : {}) };
      const operations = await runWorkload(endpoint, servers[0].base, workload, log);
      const memories = servers.map((s) => memoryOf(s.process.pid));
      const sum = (pick: (m: { rssMb: number; peakRssMb: number }) => number) =>
        memories.every(Boolean) ? memories.reduce((total, m) => total + pick(m!), 0) : undefined;
      const rssMb = sum((m) => m.rssMb);
      const peakRssMb = sum((m) => m.peakRssMb);
      const result: TargetResult = {
        name,
        label: replicas > 1 ? `PostgreSQL, ${replicas} replicas` : LABELS[name],
        operations,
        startupMs: Math.round(Math.max(...servers.map((s) => s.process.startupMs))),
        ...(rssMb === undefined ? {} : { rssMb }),
        ...(peakRssMb === undefined ? {} : { peakRssMb }),
        databaseBytes: await database.sizeBytes(),
      };
      return result;
    } finally {
      await Promise.all(servers.map((s) => s.process.stop()));
    }
  } finally {
    await database.drop();
  }
}

/** A peer in its own process, fresh and empty, driven exactly as scimd is. */
async function peerWorkload(name: PeerName, workload: Parameters<typeof runWorkload>[2], postgres: string, log: (line: string) => void): Promise<TargetResult> {
  const peer = await startPeer(name, { log, postgres });
  try {
    const url = new URL(peer.baseUrl);
    const endpoint = {
      host: url.hostname,
      port: Number(url.port),
      headers: { ...(peer.token ? { authorization: `Bearer ${peer.token}` } : {}), accept: 'application/scim+json' },
      checkBodies: true,
      serverPids: [peer.pid],
    };
    const operations = await runWorkload(endpoint, url.pathname, workload, log);
    return { name, label: peer.label, operations, startupMs: peer.startupMs, durable: peer.durable, ...memory(peer.pid) };
  } catch (error) {
    // A peer that crashes mid-run is a result, not the end of the bench.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    log(`  ${name} failed: ${reason}`);
    return { name, label: peer.label, operations: [], skipped: `failed: ${reason}`, durable: peer.durable };
  } finally {
    await peer.stop();
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

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
