import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encryptor } from '../src/auth/encryption.js';
import { newConnection } from '../src/provisioning/connections/connection-input.js';
import { decryptCredential } from '../src/provisioning/connections/target-client.js';
import { runCycle, type CycleReport } from '../src/provisioning/engine/run-cycle.js';
import { openConnectionStore } from '../src/provisioning/store/open-connection-store.js';
import { createDatabase, createDirectory, startScimd } from './scimd-server.js';

/**
 * The provisioning engine against scimd over loopback: an initial sync of N users and G groups
 * from a generated CSV, a no-op cycle, then a cycle with 100 changes; figures next to Entra's
 * published sizing (0.01–0.08 minutes per object; idp-behaviour.md §1.8).
 *
 *   npm run bench:sync -- [--users 100000] [--groups 1000] [--concurrency 16]
 */
const ENTRA_MIN_PER_OBJECT = { best: 0.01, worst: 0.08 };
const log = (line: string) => process.stderr.write(`${line}\n`);

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} is a positive whole number`);
  return value;
}

/** Users with a manager each (a tree of tens), in departments; groups of users by index. */
function writeSource(dir: string, users: number, groups: number, changed: Set<number> = new Set()): void {
  const lines = ['userName,externalId,name.givenName,name.familyName,"emails[type eq ""work""].value",title,department,manager,active'];
  for (let i = 0; i < users; i++) {
    const title = changed.has(i) ? 'Senior Engineer' : 'Engineer';
    lines.push(`user${i}@bench.example,e${i},Given${i},Family${i},user${i}@bench.example,${title},Dept${i % 50},${i === 0 ? '' : `e${Math.floor((i - 1) / 10)}`},true`);
  }
  writeFileSync(join(dir, 'users.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'groups.csv'), ['displayName,externalId', ...Array.from({ length: groups }, (_, g) => `Group ${g},g${g}`)].join('\n') + '\n');
  // Each user is in one group: the memberships add up to the number of users.
  writeFileSync(join(dir, 'memberships.csv'), ['group,member', ...Array.from({ length: users }, (_, i) => `g${i % groups},e${i}`)].join('\n') + '\n');
}

function row(label: string, report: CycleReport, objects: number): string {
  const { summary } = report;
  const seconds = summary.durationMs / 1000;
  const minutesPerObject = objects ? summary.durationMs / 60_000 / objects : 0;
  const counts = `${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed} failed`;
  return `| ${label} | ${seconds.toFixed(1)} s | ${summary.requests} | ${objects ? Math.round(objects / seconds) : '-'} | ${objects ? minutesPerObject.toExponential(1) : '-'} | ${counts} |`;
}

async function main(): Promise<void> {
  const users = option('users', 100_000);
  const groups = option('groups', 1000);
  const concurrency = option('concurrency', 16);
  const dir = mkdtempSync(join(tmpdir(), 'scimd-bench-sync-'));
  const targetDb = await createDatabase('sqlite', '');
  const engineDb = join(dir, 'engine.db');
  log(`provisioning bench: ${users} users, ${groups} groups, concurrency ${concurrency}, on ${os.cpus().length} cores (load ${os.loadavg()[0].toFixed(1)})`);
  const { secret } = await createDirectory(targetDb.url, 'bench');
  const server = await startScimd(targetDb.url, secret);
  const targetUrl = `http://127.0.0.1:${server.endpoint.port}${server.base}`;
  const store = await openConnectionStore(engineDb);
  const encryptor = new Encryptor(randomBytes(32));
  try {
    writeSource(dir, users, groups);
    const record = newConnection(
      'bench',
      { source: `file:${dir}/users.csv`, groups: join(dir, 'groups.csv'), memberships: join(dir, 'memberships.csv'), target: targetUrl, secret, concurrency: String(concurrency), deletionThreshold: 'off' },
      encryptor,
      new Date(),
    );
    await store.createConnection(record);
    const cycle = async (label: string) => {
      const started = Date.now();
      let last = 0;
      const report = await runCycle({
        store,
        connection: (await store.findConnection('bench'))!,
        credential: decryptCredential(record, encryptor),
        onProgress: (e) => {
          if (Date.now() - last > 5000) {
            last = Date.now();
            log(`  ${label}: ${e.phase} ${e.done}/${e.total}, ${e.requests} requests, ${((Date.now() - started) / 1000).toFixed(0)} s`);
          }
        },
      });
      if (report.cycle.status !== 'completed') throw new Error(`${label}: ${report.cycle.status}: ${report.cycle.message}`);
      log(`  ${label}: ${(report.summary.durationMs / 1000).toFixed(1)} s`);
      return report;
    };
    const initial = await cycle('initial');
    const noop = await cycle('no-op');
    const changed = new Set(Array.from({ length: 100 }, (_, i) => Math.floor((i * users) / 100)));
    writeSource(dir, users, groups, changed);
    const hundred = await cycle('100 changes');

    const objects = users + groups;
    const perObject = initial.summary.durationMs / 60_000 / objects;
    const lines = [
      `Provisioning bench (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}): ${users} users and ${groups} groups (${users} memberships)`,
      'from a CSV into scimd (SQLite) over loopback, engine state in SQLite, concurrency ' + concurrency + '.',
      '',
      '| Cycle | Time | Requests | Objects/s | Minutes per object | Result |',
      '|---|---|---|---|---|---|',
      row('Initial', initial, objects),
      row('No-op', noop, 0),
      row('100 changes', hundred, 100),
      '',
      `Entra publishes 0.01–0.08 minutes per object: ${objects} objects would take ${Math.round(objects * ENTRA_MIN_PER_OBJECT.best)}–${Math.round(objects * ENTRA_MIN_PER_OBJECT.worst)} minutes.`,
      `scimd: ${perObject.toExponential(1)} minutes per object, ${Math.round(ENTRA_MIN_PER_OBJECT.best / perObject)}× faster than Entra's best figure.`,
      `The no-op cycle sent ${noop.summary.requests} requests; the 100-change cycle ${hundred.summary.requests} (${hundred.summary.updated} updated).`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await store.close();
    await server.process.stop();
    await targetDb.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
