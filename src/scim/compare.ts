/**
 * Case folding for attributes whose schema says `caseExact: false`. The same function feeds
 * the indexed key columns of the store, so filters and uniqueness agree with each other.
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}
