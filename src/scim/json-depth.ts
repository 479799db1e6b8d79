/**
 * How deeply a request body may nest arrays and objects. SCIM documents nest a handful of levels
 * (a Bulk operation's data, an extension, a complex attribute, a multi-valued element); the
 * protocol core walks documents recursively, so an unbounded depth would overflow the call stack
 * (a group with a 3,000-deep unknown attribute answered 500 before this limit).
 */
export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `limit`. Walks with its own stack, so any depth is safe to check. */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
