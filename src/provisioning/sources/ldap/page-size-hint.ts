/**
 * What to do when a server stops a paged search (RFC 2696) at one of its limits. OpenLDAP answers
 * adminLimitExceeded (11, "illegal pagedResults page size") when a page asks for more than its
 * `size.pr` limit: a smaller page size helps. It answers sizeLimitExceeded (4) when the whole
 * search reaches the reading account's total (`size.soft`, `size.hard` or `size.prtotal`),
 * whatever the page size, so only a higher limit for that account helps. Active Directory
 * shortens pages itself (MaxPageSize), which needs nothing.
 */
const PAGE_SIZE_REFUSED = 11;
const SIZE_LIMIT_EXCEEDED = 4;

export function pageSizeHint(error: unknown, pageSize: number): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === PAGE_SIZE_REFUSED) {
    return (
      `the server refuses pages of ${pageSize} entries (its paged-results limit is lower); ` +
      `set a page size within its limit, e.g. "scimd connection update <connection> --page-size ${Math.max(1, Math.floor(pageSize / 2))}"`
    );
  }
  if (code === SIZE_LIMIT_EXCEEDED) {
    return (
      'the server ends the search at its size limit for the reading account, which counts every page, so a smaller --page-size does not help; ' +
      'raise that account\'s limit (OpenLDAP: limits … size.prtotal=unlimited, or size.soft/size.hard) or narrow --base-dn / the filters'
    );
  }
  return null;
}
