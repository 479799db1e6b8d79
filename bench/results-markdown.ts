import { workloadTables, type TargetResult } from './report.js';
import { scaleTable, type ScaleResult } from './scale.js';

/** What a run writes to bench/results/<stem>.json. */
export interface BenchResults {
  date: string;
  machine: { cpus: number; cpu: string; memoryGb: number; node: string; platform: string };
  load: { start: number; end: number };
  options: { size: number; connections: number; duration: number; scale: number; bigGroup: number; [option: string]: unknown };
  targets: TargetResult[];
  scale: ScaleResult[];
}

/** The markdown report of a run, as printed and written beside its JSON. */
export function resultsMarkdown(results: BenchResults): string {
  const { machine: m, load, options, targets, scale } = results;
  return [
    `# scimd bench, ${results.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cpus} × ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}. Client and servers share the machine; all traffic is keep-alive HTTP/1.1 over 127.0.0.1.`,
    `Load average (1 min) at start ${load.start.toFixed(1)}, at end ${load.end.toFixed(1)}: anything above 0.5 means other work shared the machine.`,
    '',
    ...(targets.length
      ? [`## Per operation (${options.size} users, ${options.connections} connections for concurrent operations, at most ${options.duration} s each)`, '', workloadTables(targets)]
      : []),
    ...(scale.length ? [`## At scale (${options.scale} users, a group of ${options.bigGroup})`, '', scaleTable(scale)] : []),
  ].join('\n');
}
