/** Most texts registered; past it a text runs unnamed (a misuse with run-time texts cannot grow memory). */
const MAX_TEXTS = 1_000;

const texts = new Set<string>();

/**
 * Marks a statement text as fixed by the code and safe to plan once: one whose rows are found by
 * a unique key or primary key (or that only inserts), so the plan is the same whatever values are
 * bound. PostgreSQL runs such texts as named statements, parsed once per connection and after a
 * few executions planned once (a generic plan). Filters, pages and counts are not marked: with
 * one small and one large directory a generic plan for them scans the whole table for the small
 * one (see docs/performance.md), so they are planned for their values on every execution. The
 * exceptions are the exact lookup by name or externalId (isIndexLookup in sql-store.ts), whose
 * generic plan is the same index lookup, and the unfiltered page in the default order, written so
 * that its generic plan reads the directory's keys from resources_type (fixedPage in queryPage).
 */
export function fixedStatement(sql: string): string {
  if (texts.size < MAX_TEXTS) texts.add(sql);
  return sql;
}

export function isFixedStatement(sql: string): boolean {
  return texts.has(sql);
}
