import type { OperationResult } from './load.js';

/** One server's figures in a run. */
export interface TargetResult {
  name: string;
  label: string;
  operations: OperationResult[];
  startupMs?: number;
  rssMb?: number;
  peakRssMb?: number;
  databaseBytes?: number;
  skipped?: string;
  /** One-minute load average when this target's workload started and ended: other work on the machine. */
  load?: { start: number; end: number };
  /** A peer that has every write on disk before it answers, as scimd does (not one that keeps its data in memory). */
  durable?: boolean;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? fmt(n, 2) : n < 100 ? fmt(n, 1) : fmt(n, 0));

const SCIMD = new Set(['sqlite', 'sqlite-normal', 'postgres', 'postgres-replicas']);
const isPeer = (t: TargetResult) => t.name !== 'ceiling' && !SCIMD.has(t.name);
/** A figure counts only if every answer was right: a fast wrong answer is not a win. */
const correct = (op: OperationResult | undefined): boolean => !!op && !op.unsupported && op.errors === 0 && op.requests > 0;

/** The fastest peer that answered every request of the operation right, if any did; among the durable ones only if asked. */
export function bestPeer(targets: TargetResult[], operation: string, durableOnly = false): { label: string; perSecond: number } | undefined {
  let best: { label: string; perSecond: number } | undefined;
  for (const t of targets.filter((t) => isPeer(t) && !t.skipped && (!durableOnly || t.durable))) {
    const op = t.operations.find((o) => o.name === operation);
    if (op && correct(op) && (!best || op.perSecond > best.perSecond)) best = { label: t.label, perSecond: op.perSecond };
  }
  return best;
}

/** Issue 8's throughput goal for one operation: the smaller of 5× the best peer and 60% of the ceiling. */
export interface GoalRow {
  operation: string;
  bestPeer?: { label: string; perSecond: number };
  ceiling?: number;
  goal?: number;
  sqlite?: number;
  met?: boolean;
  why?: string;
}

export function goalRows(targets: TargetResult[]): GoalRow[] {
  const ceiling = targets.find((t) => t.name === 'ceiling');
  const sqlite = targets.find((t) => t.name === 'sqlite' && !t.skipped);
  if (!sqlite) return [];
  return sqlite.operations.map((op) => {
    const best = bestPeer(targets, op.name);
    const top = ceiling?.operations.find((o) => o.name === op.name)?.perSecond;
    const bounds = [best ? 5 * best.perSecond : undefined, top ? 0.6 * top : undefined].filter((n): n is number => n !== undefined);
    const goal = bounds.length ? Math.round(Math.min(...bounds)) : undefined;
    const row: GoalRow = { operation: op.name, bestPeer: best, ceiling: top, goal, sqlite: correct(op) ? op.perSecond : undefined };
    if (op.unsupported || op.requests === 0) return row;
    if (!correct(op)) return { ...row, met: false, why: `${op.errors} errors` };
    return goal === undefined ? row : { ...row, met: op.perSecond >= goal };
  });
}

/** A label without its version numbers, short enough for a cell: "Jackson 26.2.0 on PostgreSQL" is "Jackson on PostgreSQL". */
const withoutVersion = (label: string) =>
  label
    .split(' ')
    .filter((word) => !/^\d+(\.\d+)+$/.test(word))
    .join(' ');

const cell = (op: OperationResult | undefined) =>
  !op || (!op.requests && !op.unsupported) ? '–' : op.unsupported ? 'n/a' : op.errors ? `${fmt(op.perSecond)} ✗` : fmt(op.perSecond);
const ratio = (a: number | undefined, b: number | undefined, percent = false) =>
  a === undefined || !b ? '–' : percent ? `${Math.round((100 * a) / b)}%` : `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×`;

/**
 * The per-operation tables: throughput of every target with scimd's ratio to the best correct
 * peer and to the bare-HTTP ceiling, latency, the goal of issue 8 per operation, and what went
 * wrong where answers were wrong.
 */
export function workloadTables(targets: TargetResult[]): string {
  const ceiling = targets.find((t) => t.name === 'ceiling');
  const servers = targets.filter((t) => t.name !== 'ceiling' && !t.skipped);
  const scimd = servers.filter((t) => SCIMD.has(t.name));
  const names = [...new Set(targets.flatMap((t) => t.operations.map((o) => o.name)))];
  const noteOf = (name: string) => servers.map((s) => s.operations.find((o) => o.name === name)?.note).find(Boolean);

  // Beside the best of all peers, the best of those that write to disk before answering as scimd
  // does: in-memory peers skip the work a durable write costs.
  const bothKindsRan = servers.some((s) => s.durable) && servers.some((s) => isPeer(s) && !s.durable);
  const header = ['operation', 'conns', ...(ceiling ? ['ceiling'] : []), ...servers.map((s) => s.label), 'best peer'];
  for (const s of scimd) header.push(`${s.label} ÷ best peer`);
  if (bothKindsRan) {
    header.push('best durable peer');
    for (const s of scimd) header.push(`${s.label} ÷ best durable peer`);
  }
  if (ceiling) for (const s of scimd) header.push(`${s.label} of ceiling`);
  const throughput = names.map((name) => {
    const top = ceiling?.operations.find((o) => o.name === name);
    const any = servers.map((s) => s.operations.find((o) => o.name === name)).find(Boolean) ?? top;
    const best = bestPeer(targets, name);
    const note = name.startsWith('list deep page (index)') ? noteOf(name) : undefined;
    const cells = [name + (note ? ` (${note})` : ''), String(any?.connections ?? '')];
    if (ceiling) cells.push(fmt(top?.perSecond));
    for (const s of servers) cells.push(cell(s.operations.find((o) => o.name === name)));
    cells.push(best ? `${withoutVersion(best.label)} ${fmt(best.perSecond)}` : 'none correct');
    const correctOf = (s: TargetResult) => {
      const op = s.operations.find((o) => o.name === name);
      return op && correct(op) ? op.perSecond : undefined;
    };
    for (const s of scimd) cells.push(ratio(correctOf(s), best?.perSecond));
    if (bothKindsRan) {
      const durable = bestPeer(targets, name, true);
      cells.push(durable ? `${withoutVersion(durable.label)} ${fmt(durable.perSecond)}` : 'none correct');
      for (const s of scimd) cells.push(ratio(correctOf(s), durable?.perSecond));
    }
    if (ceiling) for (const s of scimd) cells.push(ratio(correctOf(s), top?.perSecond, true));
    return cells;
  });

  // CPU per request swings less with the machine's load than requests per second do (the
  // ceiling's requests per second moved 18,000-48,000 between runs of one day; its CPU per GET
  // 12-27 µs), so the ceiling's CPU per request as a share of scimd's, both measured in the same
  // minute, is the steadier comparison with the ceiling.
  const withCpu = [...(ceiling ? [ceiling] : []), ...servers].filter((t) => t.operations.some((o) => o.serverCpuUs !== undefined));
  const cpuHeader = ['operation', ...withCpu.map((t) => t.label), ...(ceiling ? scimd.map((s) => `${s.label}: ceiling's CPU as a share`) : [])];
  const cpuRows = names.map((name) => {
    const cpuOf = (t: TargetResult) => t.operations.find((o) => o.name === name && o.requests > 0 && !o.unsupported)?.serverCpuUs;
    const top = ceiling ? cpuOf(ceiling) : undefined;
    return [
      name,
      ...withCpu.map((t) => {
        const us = cpuOf(t);
        const op = t.operations.find((o) => o.name === name);
        return us === undefined ? '–' : `${fmt(us)}${op?.errors ? ' ✗' : ''}`;
      }),
      ...(ceiling ? scimd.map((s) => ratio(top, cpuOf(s), true)) : []),
    ];
  });

  const latencyHeader = ['operation', ...servers.map((s) => `${s.label} p50 / p99 ms`)];
  const latency = names.map((name) => [
    name,
    ...servers.map((s) => {
      const op = s.operations.find((o) => o.name === name);
      if (!op || op.unsupported || !op.requests) return '–';
      // Group sizes differ between servers (a slow one adds fewer members in its time): say which.
      return `${ms(op.p50)} / ${ms(op.p99)}${op.note && /member/.test(op.name) ? ` (${op.note})` : ''}`;
    }),
  ]);

  const goals = goalRows(targets);
  const goalTable = goals.length
    ? markdownTable(
        ['operation', 'best correct peer', '5× best peer', '60% of ceiling', 'goal req/s', 'SQLite req/s', 'goal'],
        goals.map((g) => [
          g.operation,
          g.bestPeer ? `${g.bestPeer.label} ${fmt(g.bestPeer.perSecond)}` : 'none',
          g.bestPeer ? fmt(5 * g.bestPeer.perSecond) : '–',
          g.ceiling ? fmt(0.6 * g.ceiling) : '–',
          fmt(g.goal),
          fmt(g.sqlite),
          g.met === undefined ? 'n/a' : g.met ? 'met' : `**missed**${g.why ? ` (${g.why})` : ''}`,
        ]),
      )
    : '';

  const errors: string[] = [];
  for (const s of servers) {
    for (const op of s.operations.filter((o) => o.errors)) {
      errors.push(`${s.label}, ${op.name}: ${op.errors} of ${op.requests} wrong — ${(op.firstError ?? '').replace(/\s+/g, ' ').slice(0, 220)}`);
    }
  }
  const footer: string[] = [];
  for (const s of servers) {
    const db = s.databaseBytes === undefined ? '' : `, database ${fmt(s.databaseBytes / 1048576, 1)} MB`;
    const load = s.load ? `; load average ${s.load.start.toFixed(1)} → ${s.load.end.toFixed(1)}` : '';
    footer.push(`${s.label}: startup ${fmt(s.startupMs)} ms, RSS ${fmt(s.rssMb)} MB (peak ${fmt(s.peakRssMb)} MB)${db}${load}`);
  }
  for (const t of targets.filter((t) => t.skipped)) footer.push(`${t.label}: skipped (${t.skipped})`);
  return [
    '### Throughput, requests per second',
    '',
    '✗: some answers were wrong (see below); such a figure never counts as the best peer. n/a: the server lacks the feature.',
    '',
    markdownTable(header, throughput),
    '',
    ...(withCpu.length
      ? [
          '### Server CPU per request, µs',
          '',
          "User and system time of the serving process (all its threads) over the operation, per request; a database server's own processes are not counted (PostgreSQL's backends work for the PostgreSQL columns too). The last columns are the ceiling's CPU per request as a share of scimd's: the steadier form of \"of ceiling\".",
          '',
          markdownTable(cpuHeader, cpuRows),
          '',
        ]
      : []),
    '### Latency under that load',
    '',
    markdownTable(latencyHeader, latency),
    '',
    ...(goalTable ? ['### Goal per operation (scimd on SQLite, durable writes)', '', goalTable, ''] : []),
    ...(errors.length ? ['### Wrong answers', '', ...errors.map((e) => `- ${e}`), ''] : []),
    '### Servers',
    '',
    ...footer.map((l) => `- ${l}`),
    '',
  ].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const numeric = header.map((_, i) => i > 0 && rows.every((r) => /^[\d,.%–-]*$/.test(r[i] ?? '')));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (numeric[i] ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

export { fmt, ms };
