import { absolute, relative } from '../format';

/**
 * A point in time as the console shows it everywhere: relative on the page ("3 hours ago"), the
 * absolute date and time in the tooltip, the ISO value for machines in `datetime`.
 */
export function When({ iso, empty = 'never' }: { iso: string | null | undefined; empty?: string }) {
  if (!iso) return <>{empty}</>;
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {relative(iso)}
    </time>
  );
}

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;

/** A sentence from the server (a health summary, a quarantine's detail) with each ISO time in it shown as a When. */
export function WithDates({ text }: { text: string }) {
  const parts: (string | { iso: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(ISO_TIME)) {
    parts.push(text.slice(last, match.index), { iso: match[0] });
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts.map((p, i) => (typeof p === 'string' ? p : <When key={i} iso={p.iso} />))}</>;
}
