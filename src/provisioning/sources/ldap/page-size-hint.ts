/**
 * What to do when a server refuses the page size: OpenLDAP answers adminLimitExceeded (11,
 * "illegal pagedResults page size") when a page asks for more than its `size.pr` limit, and some
 * servers answer sizeLimitExceeded (4) instead. Active Directory shortens pages itself (MaxPageSize).
 */
const PAGE_LIMIT_CODES = new Set([4, 11]);

export function pageSizeHint(error: unknown, pageSize: number): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number' || !PAGE_LIMIT_CODES.has(code)) return null;
  return (
    `the server refuses pages of ${pageSize} entries (its paged-results or size limit is lower); ` +
    `set a page size within its limit, e.g. "scimd connection update <connection> --page-size ${Math.max(1, Math.floor(pageSize / 2))}"`
  );
}
