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
