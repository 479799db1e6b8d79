import { FilterParser, MessageResponseStatus, PagedResultsControl, SearchRequest, StatusCodeParser, type Client, type SearchResponse } from 'ldapts';
import type { RawEntry } from './ranged-attributes.js';

/** Empty pages in a row that hand back the very cookie they were asked with before the search is given up. */
export const MAX_STALLED_PAGES = 3;
/**
 * Empty pages in a row, whatever their cookies, before the search is given up. Active Directory
 * sends some while it scans past entries the filter rejects (about one per page size of them), so
 * this is far above what a real directory needs, yet it ends a server that makes up a new cookie
 * for each empty page instead of following it without end.
 */
export const MAX_EMPTY_PAGES = 1000;

/**
 * The parts of ldapts's Client its own paged search is built on. Its public `searchPaginated`
 * ends at a page with no entries even when the server sent a cookie to go on with (Active
 * Directory does, while it scans past entries the filter rejects), which would cut a listing
 * short and make the rest look deleted; so the paged-results loop is driven here.
 * test/provisioning/ldap-empty-pages.test.ts pins this against a real slapd.
 */
interface SearchSender {
  _ensureConnected(): Promise<void>;
  _nextMessageId(): number;
  _send(request: SearchRequest): Promise<SearchResponse | undefined>;
}

export interface PagedSearchOptions {
  filter: string;
  attributes: string[];
  pageSize: number;
  /** Attributes returned as Buffers (binary, e.g. objectGUID). */
  explicitBufferAttributes: string[];
}

/**
 * A subtree search with the paged-results control (RFC 2696), one page of entries at a time.
 * Goes on for as long as the server answers a cookie, empty pages included; a server that answers
 * empty pages with the same cookie again and again, or more empty pages in a row than any real
 * scan needs, is stopped with an error instead of followed forever.
 */
export async function* pagedSearch(client: Client, baseDn: string, options: PagedSearchOptions): AsyncGenerator<RawEntry[]> {
  const sender = client as unknown as SearchSender;
  const paged = new PagedResultsControl({ value: { size: options.pageSize } });
  const request = new SearchRequest({
    messageId: -1,
    baseDN: baseDn,
    scope: 'sub',
    filter: FilterParser.parseString(options.filter),
    attributes: options.attributes,
    explicitBufferAttributes: options.explicitBufferAttributes,
    controls: [paged],
  });
  let stalled = 0;
  let empties = 0;
  for (;;) {
    await sender._ensureConnected();
    request.messageId = sender._nextMessageId();
    const result = await sender._send(request);
    if (result?.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
    const entries = result.searchEntries.map((entry) => entry.toObject(options.attributes, options.explicitBufferAttributes) as RawEntry);
    if (entries.length) yield entries;
    const answered = result.controls?.find((control): control is PagedResultsControl => control instanceof PagedResultsControl)?.value?.cookie;
    if (!answered?.length) return;
    const empty = entries.length === 0 && result.searchReferences.length === 0;
    stalled = empty && paged.value?.cookie?.equals(answered) ? stalled + 1 : 0;
    empties = empty ? empties + 1 : 0;
    if (stalled >= MAX_STALLED_PAGES) {
      throw new Error(`the server answered ${stalled} empty pages in a row with the same paged-results cookie; the listing cannot be completed`);
    }
    if (empties >= MAX_EMPTY_PAGES) {
      throw new Error(
        `the server answered ${empties} empty pages in a row, each with a new paged-results cookie and no entry; the listing was given up rather than followed without end (a directory scanning past entries the filter rejects sends far fewer)`,
      );
    }
    paged.value = { size: options.pageSize, cookie: answered };
  }
}
