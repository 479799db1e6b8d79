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

/** Something by its name with its id beside it, as people search for either; the id alone when it has no name. */
export function named(name: string | null | undefined, id: string): string {
  return name ? `${name} (${id})` : id;
}

/** A short UTC timestamp for tables: `2026-11-28 11:38`. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.slice(0, 16).replace('T', ' ');
}

const ISO_TIME = /\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/g;

/** A sentence from the server (a health summary, a quarantine's detail) with each ISO time in it as a shortTime. */
export function shortTimesIn(text: string): string {
  return text.replace(ISO_TIME, (iso) => shortTime(new Date(iso).toISOString()));
}
