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
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? fmt(n, 2) : n < 100 ? fmt(n, 1) : fmt(n, 0));

/**
 * The per-operation table: for each scimd backend its requests per second, p50 and p99 latency
 * and its throughput as a share of the bare-HTTP ceiling for the same operation.
 */
export function workloadTable(targets: TargetResult[]): string {
  const ceiling = targets.find((t) => t.name === 'ceiling');
  const servers = targets.filter((t) => t.name !== 'ceiling' && !t.skipped);
  const names = [...new Set(targets.flatMap((t) => t.operations.map((o) => o.name)))];
  const header = ['operation', 'conns', ...(ceiling ? ['ceiling req/s'] : [])];
  for (const s of servers) header.push(`${s.label} req/s`, 'p50 ms', 'p99 ms', ...(ceiling ? ['of ceiling'] : []), 'errors');
  const rows = names.map((name) => {
    const base = ceiling?.operations.find((o) => o.name === name);
    const any = servers.map((s) => s.operations.find((o) => o.name === name)).find(Boolean) ?? base;
    const cells = [name + (any?.note ? ` (${any.note})` : ''), String(any?.connections ?? '')];
    if (ceiling) cells.push(fmt(base?.perSecond));
    for (const s of servers) {
      const op = s.operations.find((o) => o.name === name);
      cells.push(fmt(op?.perSecond), ms(op?.p50), ms(op?.p99));
      if (ceiling) cells.push(op && base?.perSecond ? `${Math.round((100 * op.perSecond) / base.perSecond)}%` : '–');
      cells.push(op ? String(op.errors) : '–');
    }
    return cells;
  });
  const footer: string[] = [];
  for (const s of servers) {
    footer.push(`${s.label}: startup ${fmt(s.startupMs)} ms, RSS ${fmt(s.rssMb)} MB (peak ${fmt(s.peakRssMb)} MB), database ${fmt((s.databaseBytes ?? 0) / 1048576, 1)} MB`);
  }
  for (const t of targets.filter((t) => t.skipped)) footer.push(`${t.label}: skipped (${t.skipped})`);
  return `${markdownTable(header, rows)}\n${footer.map((l) => `- ${l}`).join('\n')}\n`;
}

export function markdownTable(header: string[], rows: string[][]): string {
  const numeric = header.map((_, i) => i > 0 && rows.every((r) => /^[\d,.%–-]*$/.test(r[i] ?? '')));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (numeric[i] ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

export { fmt, ms };
