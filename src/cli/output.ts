/** Prints one JSON document on stdout, and nothing else there, as `--json` promises. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as aligned columns under a header. */
export function printTable(headers: string[], rows: string[][]): void {
  for (const line of formatTable(headers, rows)) process.stdout.write(`${line}\n`);
}

/** The lines of an aligned table, for output that indents or interleaves tables. */
export function formatTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** A short UTC timestamp for tables: `2026-11-28 11:38`. */
export function shortTime(iso: string | null): string {
  if (!iso) return '-';
  return iso.slice(0, 16).replace('T', ' ');
}
