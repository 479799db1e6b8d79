import type { Command } from 'commander';
import type { CycleOutcome } from '../provisioning/connections/connection-client.js';
import type { OnDemandReport } from '../provisioning/engine/provision-on-demand.js';
import { ProgressReporter } from '../provisioning/engine/progress-reporter.js';
import type { PlanStep } from '../provisioning/planner/plan.js';
import type { LogEntry } from '../provisioning/store/connection-store.js';
import { withConnectionClient } from './admin-connection.js';
import type { GlobalOptions } from './context.js';
import { printJson, printTable, shortTime, shortTimesIn } from './output.js';

interface SyncOptions extends GlobalOptions {
  dryRun?: boolean;
  full?: boolean;
  allowDeletes?: boolean;
  quiet?: boolean;
  progress?: boolean;
  user?: string;
  group?: string;
  member?: string[];
}

interface LogOptions extends GlobalOptions {
  cycle?: string;
  object?: string;
  failed?: boolean;
  limit?: string;
}

/** How many plan steps a dry run prints; --json and `sync log` give all of them. */
const PRINTED_STEPS = 200;

export function registerSyncCommand(program: Command): void {
  const sync = program
    .command('sync')
    .description('run a provisioning cycle of a connection, and read its cycles and provisioning log')
    .argument('<connection>', 'the connection (name or id)')
    .option('--dry-run', 'plan only: print and store every create, update (with attribute changes), disable, delete and membership change; send nothing but lookups')
    .option('--full', "full reconcile (Entra's \"Restart provisioning\"): read every object the connection manages back from the target, memberships too where the target shows them, and repair every difference, including changes made inside the app; with --dry-run, only show the repairs")
    .option('--allow-deletes', 'let this cycle disable and delete past the deletion threshold')
    .option('--user <key>', "provision on demand: only this user (its source key), now, with a step-by-step report; memberships wait for the next cycle")
    .option('--group <key>', 'provision on demand: only this group (its source key) with up to 5 of its members, now; members not named and removals wait for the next cycle')
    .option('--member <key>', 'with --group: a member to provision with it (repeat, at most 5); left out, all members when the group has no more than 5', (value: string, previous: string[] = []) => [...previous, value])
    .option('--quiet', 'no progress output')
    .option('--progress', 'progress as JSON lines on standard error even without a terminal (under cron and in pipes there is none unless asked)')
    .option('--json', 'print the cycle (and for a dry run the full plan) as JSON')
    .addHelpText(
      'after',
      [
        '',
        'A cycle reads the source, maps and scopes it, looks up new objects on the target by their matching',
        'attributes, then creates or adopts them, sends only changed attributes of known ones (PATCH), disables',
        'objects out of scope or disabled in the source, deletes after the connection\'s delay, sets managers and',
        'group memberships. An ordinary cycle trusts what it last sent; --full reads the target back first.',
        'Progress goes to standard error: a live line in a terminal; without one, nothing unless --progress (JSON lines).',
        '',
        'Exit status: 0 done; 2 done, but some objects failed (see "scimd sync log <connection> --failed");',
        '3 stopped by the deletion threshold; 1 the cycle failed.',
        '',
        'A cycle that the target refuses (401/403), or in which most objects fail, quarantines the connection:',
        '"scimd serve" then tries it every 6 hours until a cycle or "scimd connection test" succeeds, or',
        '"scimd connection clear-quarantine" clears it. A deletion threshold released with',
        '"scimd connection allow-deletions" applies to the next cycle only.',
        '',
        'Subcommands: "scimd sync log <connection>", "scimd sync cycles <connection>".',
      ].join('\n'),
    )
    .action(async (name: string, options: SyncOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as SyncOptions;
      if (opts.member !== undefined && opts.group === undefined) throw new Error('--member goes with --group');
      if (opts.user !== undefined || opts.group !== undefined) {
        if (opts.user !== undefined && opts.group !== undefined) throw new Error('--user and --group each provision on demand; give one of them');
        if (opts.dryRun || opts.allowDeletes || opts.full) throw new Error('provisioning on demand (--user, --group) takes neither --dry-run, --full nor --allow-deletes');
        const request = opts.group !== undefined ? { group: opts.group, ...(opts.member ? { members: opts.member } : {}) } : { user: opts.user };
        const onDemand = await withConnectionClient(opts, (client) => client.provision(name, request));
        if (opts.json) printJson(onDemand);
        else printOnDemand(onDemand);
        process.exitCode = onDemand.ok ? 0 : 1;
        return;
      }
      const reporter = !opts.quiet && (opts.progress || process.stderr.isTTY) ? new ProgressReporter() : undefined;
      const report = await withConnectionClient(opts, async (client) => {
        const connection = (await client.list()).find((c) => c.name === name || c.id === name);
        const expiry = connection && expiryWarning(connection.name, connection.credential.expiresAt, new Date());
        if (expiry) process.stderr.write(`${expiry}\n`);
        return client.runCycle(name, { dryRun: opts.dryRun, full: opts.full, allowDeletes: opts.allowDeletes, onProgress: reporter ? (event) => reporter.update(event) : undefined });
      });
      reporter?.finish();
      if (opts.json) printJson(jsonReport(report));
      else printReport(name, report);
      const { status } = report.cycle;
      process.exitCode = status === 'failed' ? 1 : status === 'stopped' ? 3 : report.summary.failed > 0 ? 2 : 0;
    });

  sync
    .command('log')
    .description('the provisioning log of a connection: what each cycle did or planned for each object, and why something failed')
    .argument('<connection>', 'the connection (name or id)')
    .option('--cycle <id>', 'one cycle ("last" for the latest)')
    .option('--object <key>', "one source object's key")
    .option('--failed', 'failures only')
    .option('--limit <n>', 'the most recent n lines', '100')
    .option('--json', 'print the lines as JSON')
    .action(async (name: string, options: LogOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as LogOptions;
      const limit = Number(opts.limit ?? 100);
      if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit is a positive whole number');
      const { entries } = await withConnectionClient(opts, (client) => client.logs(name, { cycle: opts.cycle, object: opts.object, result: opts.failed ? 'failure' : undefined, limit }));
      if (opts.json) return printJson(entries);
      printTable(
        ['TIME', 'CYCLE', 'TYPE', 'OBJECT', 'ACTION', 'RESULT', 'STATUS', 'DETAIL'],
        entries.map((e) => [shortTime(e.at), e.cycleId, e.type, e.origin ? `${e.origin} (${e.key})` : e.key, e.action, e.result, e.status === null ? '' : String(e.status), describeEntry(e)]),
      );
    });

  sync
    .command('cycles')
    .description('recent cycles of a connection with their summaries')
    .argument('<connection>', 'the connection (name or id)')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print the cycles as JSON')
    .action(async (name: string, options: LogOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as LogOptions;
      const cycles = await withConnectionClient(opts, (client) => client.cycles(name, Number(opts.limit ?? 20)));
      if (opts.json) return printJson(cycles);
      printTable(
        ['CYCLE', 'STARTED', 'STATUS', 'SECONDS', 'CREATED', 'ADOPTED', 'UPDATED', 'DISABLED', 'DELETED', 'UNCHANGED', 'FAILED', 'REQUESTS'],
        cycles.map((c) => [
          c.id,
          shortTime(c.startedAt),
          `${c.status}${c.dryRun ? ' (dry run)' : ''}`,
          c.summary ? (c.summary.durationMs / 1000).toFixed(1) : '-',
          ...(['created', 'adopted', 'updated', 'disabled', 'deleted', 'unchanged', 'failed', 'requests'] as const).map((k) => String(c.summary ? (c.summary[k] ?? 0) : '-')),
        ]),
      );
    });
}

/** A warning when the target secret expires within 30 days or has expired, as the server warns about its own. */
export function expiryWarning(name: string, expiresAt: string | null, now: Date): string | undefined {
  if (!expiresAt) return undefined;
  const days = Math.floor((Date.parse(expiresAt) - now.getTime()) / 86_400_000);
  if (days < 0) return `warning: the target secret of ${name} expired on ${expiresAt.slice(0, 10)}; replace it with "scimd connection set-secret ${name}"`;
  if (days < 30) return `warning: the target secret of ${name} expires in ${days} days (${expiresAt.slice(0, 10)}); replace it with "scimd connection set-secret ${name}"`;
  return undefined;
}

function printOnDemand(report: OnDemandReport): void {
  const marks = { ok: 'ok  ', warning: 'warn', failed: 'FAIL', skipped: 'skip' };
  process.stdout.write(`Provisioning ${report.group !== undefined ? `group ${report.group}` : report.user} on demand\n`);
  const width = Math.max(...report.steps.map((s) => s.step.length));
  for (const step of report.steps) {
    process.stdout.write(`  ${marks[step.status]}  ${step.step.padEnd(width)}  ${step.detail}\n`);
    // The step announces the target attributes: list them, one a line.
    if (step.step === 'Mapping' && step.data && typeof step.data === 'object' && !Array.isArray(step.data)) {
      for (const [path, v] of Object.entries(step.data)) process.stdout.write(`        ${path}: ${value(v)}\n`);
    }
    if (step.step === 'Plan' && Array.isArray(step.data)) {
      for (const { changes } of step.data as { changes: unknown }[]) {
        if (Array.isArray(changes)) for (const c of changes as { path: string; from?: unknown; to?: unknown }[]) if (c && typeof c === 'object' && 'path' in c) process.stdout.write(`        ${c.path}: ${value(c.from)} → ${value(c.to)}\n`);
      }
    }
  }
  if (report.cycleId) process.stdout.write(`Logged under cycle ${report.cycleId}\n`);
}

/** The outcome as the admin API returns it, with the cycle's own fields only. */
function jsonReport(report: CycleOutcome): unknown {
  const { cycle } = report;
  return { ...report, cycle: { id: cycle.id, connectionId: cycle.connectionId, status: cycle.status, dryRun: cycle.dryRun, startedAt: cycle.startedAt, finishedAt: cycle.finishedAt, message: cycle.message } };
}

function printReport(name: string, report: CycleOutcome): void {
  const { cycle, summary, plan } = report;
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const countsOf = (c: typeof summary | NonNullable<typeof summary.planned>) =>
    (['created', 'adopted', 'updated', 'disabled', 'deleted', 'unchanged', 'failed'] as const).map((k) => `${k} ${c[k] ?? 0}`).join('  ');
  const counts = countsOf(summary);
  if (cycle.dryRun && plan) {
    process.stdout.write(`Dry run ${cycle.id} of ${name}: nothing was changed on the target. The plan:\n`);
    for (const step of plan.steps.slice(0, PRINTED_STEPS)) process.stdout.write(`  ${describeStep(step)}\n`);
    for (const failure of plan.failures.slice(0, PRINTED_STEPS)) process.stdout.write(`  cannot ${failure.type} ${failure.key}: ${failure.detail}\n`);
    if (plan.steps.length + plan.failures.length > PRINTED_STEPS) process.stdout.write(`  … all ${plan.steps.length} steps: scimd sync log ${name} --cycle ${cycle.id}\n`);
    if (plan.steps.length === 0 && plan.failures.length === 0) process.stdout.write('  nothing to do\n');
  } else {
    process.stdout.write(`Cycle ${cycle.id} of ${name}: ${cycle.status} in ${seconds} s\n`);
  }
  if (summary.planned) process.stdout.write(`  nothing was sent; the plan it stopped: ${countsOf(summary.planned)}\n`);
  else process.stdout.write(`  ${cycle.dryRun ? 'would be: ' : ''}${counts}\n`);
  process.stdout.write(`  ${summary.requests} requests to the target${summary.retries ? ` (${summary.retries} retried)` : ''}\n`);
  for (const problem of summary.sourceProblems.slice(0, 10)) process.stdout.write(`  source: ${problem}\n`);
  if (cycle.message) process.stdout.write(`${shortTimesIn(cycle.message)}\n`);
  if (report.quarantine) process.stdout.write(`The connection is quarantined: ${shortTimesIn(report.quarantine.detail)}\n`);
  if (summary.failed && !cycle.dryRun) process.stdout.write(`Failures: scimd sync log ${name} --cycle ${cycle.id} --failed\n`);
}

function value(v: unknown): string {
  return v === undefined ? '∅' : JSON.stringify(v);
}

function describeStep(step: PlanStep): string {
  const head = `${step.action.padEnd(14)} ${step.type.padEnd(5)} ${step.key}`;
  switch (step.action) {
    case 'create':
      return `${head}  ${Object.entries(step.attributes).map(([k, v]) => `${k}=${value(v)}`).join(', ')}${step.managerKey ? `, manager=${step.managerKey}` : ''}${step.members ? `, members=${step.members.length}` : ''}`;
    case 'adopt':
    case 'update':
    case 'disable':
      return `${head}  ${step.action === 'disable' ? `(${step.reason}) ` : step.action === 'adopt' ? `(${step.targetId}) ` : ''}${step.changes.map((c) => `${c.path}: ${value(c.from)} → ${value(c.to)}`).join(', ')}`;
    case 'delete':
      return `${head}  (${step.reason})`;
    case 'set-manager':
      return `${head}  manager: ${step.from ?? '∅'} → ${step.to ?? '∅'}`;
    case 'add-members':
      return `${head}  + ${step.members.join(', ')}`;
    case 'remove-members':
      return `${head}  - ${step.members.join(', ')}`;
  }
}

function describeEntry(entry: LogEntry): string {
  const parts: string[] = [];
  if (entry.detail) parts.push(shortTimesIn(entry.detail));
  if (Array.isArray(entry.changes) && entry.changes.length && typeof entry.changes[0] === 'object') {
    parts.push((entry.changes as { path: string; from?: unknown; to?: unknown }[]).map((c) => `${c.path}: ${value(c.from)} → ${value(c.to)}`).join(', '));
  } else if (Array.isArray(entry.changes)) parts.push(entry.changes.join(', '));
  return parts.join('; ');
}
