import { AREAS, type CheckReport, type CheckResult, type ExchangeRecord } from './check-types.js';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** The human report: grouped by area, each failure with its authority and the exchanges that prove it. */
export function formatTextReport(report: CheckReport, verbose = false): string {
  const lines: string[] = [`scimd check ${report.target} (profile ${report.profile})`, ''];
  for (const area of AREAS) {
    const results = report.results.filter((r) => r.area === area);
    if (results.length === 0) continue;
    lines.push(area[0].toUpperCase() + area.slice(1));
    for (const result of results) lines.push(...formatResult(result, verbose));
    lines.push('');
  }
  const { pass, fail, skip } = report.summary;
  lines.push(`${pass} passed, ${fail} failed, ${skip} skipped`);
  lines.push(
    report.cleanup.kept
      ? `--keep: ${report.cleanup.kept} object(s) named ${report.prefix}… left on the server`
      : `cleanup: ${report.cleanup.deleted} object(s) named ${report.prefix}… deleted${report.cleanup.failed.length ? `; could not delete ${report.cleanup.failed.join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** One line per result, as printed while the run goes on. */
export function formatResultLine(result: CheckResult): string {
  const message = result.verdict === 'pass' ? (result.message ? ` (${result.message})` : '') : result.message ? ` — ${result.message}` : '';
  return `  ${MARK[result.verdict]}  ${result.id}  ${result.title}${message}`;
}

function formatResult(result: CheckResult, verbose: boolean): string[] {
  const lines = [formatResultLine(result)];
  if (result.verdict === 'fail' || (verbose && result.verdict !== 'skip')) lines.push(`        authority: ${result.authority}`);
  if (result.verdict === 'fail') for (const exchange of result.evidence ?? []) lines.push(...formatExchange(exchange));
  return lines;
}

function formatExchange(exchange: ExchangeRecord): string[] {
  const { request } = exchange;
  const lines = [`        > ${request.method} ${request.url}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`        > ${name}: ${value}`);
  if (request.body) lines.push(`        > ${request.body}`);
  lines.push(`        < ${exchange.status}${exchange.contentType ? ` ${exchange.contentType}` : ''} (${exchange.ms} ms)`);
  if (exchange.excerpt) lines.push(`        < ${exchange.excerpt.replace(/\s*\n\s*/g, ' ')}`);
  return lines;
}
