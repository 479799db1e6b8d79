import { ListingIncomplete, ScimClientError, TargetThrottled, TransportError } from './client-errors.js';
import type { Credential } from './credentials.js';
import { HttpTransport, type HttpResponse, type TlsDetails } from './http-transport.js';
import { RequestLimiter, targetPause } from './request-limiter.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from './retry-policy.js';

export type ScimObject = Record<string, unknown> & { id?: string };
export type ResourceEndpoint = 'Users' | 'Groups';

export interface ScimClientOptions {
  /** The tenant URL, e.g. `https://app.example.com/scim/v2`; a query string on it goes on every request. */
  baseUrl: string;
  credential: Credential;
  /** Most requests in flight at once (default 8). */
  concurrency?: number;
  /** Most requests started per second; 0 for no limit (the default). */
  ratePerSecond?: number;
  /** Per-request deadline; Entra's is 60 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  rejectUnauthorized?: boolean;
  /** Told about every attempt, for counters and progress. */
  onAttempt?: (event: AttemptEvent) => void;
  /** The random source of backoff jitter (tests pass a fixed one). */
  random?: () => number;
  /**
   * How long to wait after a POST whose outcome is unknown before looking for what it may have
   * created, so a target still finishing the request is seen (default 1 s).
   */
  settleMs?: number;
  /** Waits between attempts (backoff, Retry-After, settling); tests pass one that records instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** The time in ms, for Retry-After and pauses; a test's virtual clock goes with its `sleep`. */
  clock?: () => number;
}

/** One HTTP attempt, as reported to `onAttempt`. */
export interface AttemptEvent {
  method: string;
  path: string;
  attempt: number;
  status?: number;
  error?: string;
  ms: number;
}

export interface ScimResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  tls?: TlsDetails;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Whether sending twice is harmless; POST is not, so a dropped POST is not simply resent. */
  idempotent?: boolean;
  /** Extra headers, e.g. If-Match. */
  headers?: Record<string, string>;
}

export interface ExchangeOptions {
  body?: unknown;
  /** Sent byte for byte instead of `body`. */
  rawBody?: string;
  query?: Record<string, string | number | undefined>;
  /** Extra or overriding headers (If-Match, another Content-Type). */
  headers?: Record<string, string>;
  /** Overrides the credential: null sends no Authorization header. */
  authorization?: string | null;
}

/** One request and its answer, whatever the status. */
export interface RawExchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON, the text when it is not JSON, undefined when empty. */
  body: unknown;
  ms: number;
}

/** How `create` ended: made now, found after an ambiguous failure, or already there (409); with the last status seen. */
export type CreateOutcome = { kind: 'created' | 'recovered' | 'exists'; resource: ScimObject; status: number };

/** A POST whose outcome is unknown: the request went out and no answer came back. */
class AmbiguousWrite extends Error {
  constructor(readonly failure: Error) {
    super(failure.message);
  }
}

const SCIM_JSON = 'application/scim+json';
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A SCIM 2.0 client for one target: JSON in and out as application/scim+json, a concurrency
 * and rate limit, a deadline per request, and retries with exponential backoff and jitter for
 * 408, 429, 500, 502, 503, 504 and dropped connections, honouring Retry-After on 429 and 503. Idempotent requests are resent after a dropped
 * connection; a POST is not: `create` first looks the object up by its matching filter, so a
 * POST that succeeded before its answer was lost never creates a duplicate.
 */
export class ScimClient {
  readonly baseUrl: string;
  /** The tenant URL's own query (Entra's `?aadOptscim062020` flag), kept byte for byte. */
  private readonly baseQuery: string;
  private readonly transport: HttpTransport;
  private readonly limiter: RequestLimiter;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ScimClientOptions) {
    const url = new URL(options.baseUrl);
    this.baseQuery = url.search.slice(1);
    url.search = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    const concurrency = options.concurrency ?? 8;
    this.transport = new HttpTransport({ maxSockets: concurrency, timeoutMs: options.timeoutMs ?? 60_000, rejectUnauthorized: options.rejectUnauthorized });
    this.sleep = options.sleep ?? realSleep;
    this.now = options.clock ?? Date.now;
    this.limiter = new RequestLimiter(concurrency, options.ratePerSecond ?? 0, targetPause(this.baseUrl), { now: this.now, sleep: this.sleep });
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  /** Sends one request with the retry rules above; resolves on 2xx, throws ScimClientError otherwise. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<ScimResponse> {
    const idempotent = options.idempotent ?? method !== 'POST';
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const release = await this.limiter.acquire();
      let response: HttpResponse;
      try {
        const authorization = await this.options.credential.authorization();
        // Nothing may await between this check and the send: a Retry-After read meanwhile holds this request too.
        if (this.limiter.paused()) await this.limiter.settle();
        response = await this.transport.send({
          method,
          url: this.url(path, options.query),
          label: path,
          headers: {
            authorization,
            accept: `${SCIM_JSON}, application/json`,
            'user-agent': this.options.userAgent ?? 'scimd-provisioning',
            ...(options.body !== undefined ? { 'content-type': SCIM_JSON } : {}),
            ...options.headers,
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
      } catch (error) {
        release();
        this.report({ method, path, attempt, error: (error as Error).message, ms: Date.now() - started });
        if (!(error instanceof TransportError)) throw error;
        // The address policy answers the same way every time: asking again is pointless.
        if (error.code === 'EOUTBOUNDREFUSED') throw error;
        if (!idempotent && error.sent) throw new AmbiguousWrite(error);
        if (attempt >= this.retry.maxAttempts) throw error;
        await this.sleep(backoffDelay(attempt, this.retry, this.random));
        continue;
      }
      release();
      this.report({ method, path, attempt, status: response.status, ms: Date.now() - started });
      const { status } = response;
      if (status >= 200 && status < 300) return toScimResponse(response);

      if (status === 401 && !refreshed && (await this.options.credential.invalidate())) {
        refreshed = true;
        continue;
      }
      const throttled = status === 429 || status === 503;
      // 500, 502 and 504 may hide a request the target carried out; 408 says it never got the whole request.
      const gateway = status === 500 || status === 502 || status === 504;
      const timedOut = status === 408;
      const retryAfter = throttled ? parseRetryAfter(response.headers['retry-after'], this.now()) : undefined;
      // A throttle is about the whole target, so every request waits, not only this one, and
      // even when this request has used its last attempt.
      if (retryAfter !== undefined && retryAfter <= this.retry.maxRetryAfterMs) this.limiter.pauseUntil(this.now() + retryAfter);
      // Asked to wait longer than a cycle pauses, or throttled on every attempt: not the object's fault.
      if (throttled && ((retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) || attempt >= this.retry.maxAttempts)) {
        throw new TargetThrottled(method, path, status, errorFrom(method, path, response).detail, retryAfter);
      }
      if ((throttled || gateway || timedOut) && attempt < this.retry.maxAttempts) {
        // A server or gateway error may hide a request the target did carry out: for a POST that is ambiguous.
        if (gateway && !idempotent) throw new AmbiguousWrite(errorFrom(method, path, response));
        await this.sleep(retryAfter ?? backoffDelay(attempt, this.retry, this.random));
        continue;
      }
      throw errorFrom(method, path, response);
    }
  }

  /**
   * Sends one request exactly once and returns whatever came back, error statuses included, with
   * the raw text: for a tool that judges a server's answers (`scimd check`) rather than acts on
   * them. `authorization: null` sends no Authorization header; a string sends that value instead.
   */
  async exchange(method: string, path: string, options: ExchangeOptions = {}): Promise<RawExchange> {
    const release = await this.limiter.acquire();
    const started = Date.now();
    try {
      const authorization = options.authorization === undefined ? await this.options.credential.authorization() : options.authorization;
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (this.limiter.paused()) await this.limiter.settle();
      const response = await this.transport.send({
        method,
        url: this.url(path, options.query),
        label: path,
        headers: {
          ...(authorization === null ? {} : { authorization }),
          accept: `${SCIM_JSON}, application/json`,
          'user-agent': this.options.userAgent ?? 'scimd-provisioning',
          ...(body !== undefined ? { 'content-type': SCIM_JSON } : {}),
          ...options.headers,
        },
        body,
      });
      const ms = Date.now() - started;
      this.report({ method, path, attempt: 1, status: response.status, ms });
      return { status: response.status, headers: response.headers, text: response.text, body: parseBody(response), ms };
    } finally {
      release();
    }
  }

  /** GET a resource by id; undefined when the target says 404. */
  async getResource(endpoint: ResourceEndpoint, id: string, query?: Record<string, string>): Promise<ScimObject | undefined> {
    try {
      return (await this.request('GET', `/${endpoint}/${encodeURIComponent(id)}`, { query })).body as ScimObject;
    } catch (error) {
      if (error instanceof ScimClientError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The first page of a filtered query: the resources and the target's totalResults. */
  async search(endpoint: ResourceEndpoint, filter: string, query: Record<string, string | number> = {}): Promise<{ total: number; resources: ScimObject[] }> {
    const response = await this.request('GET', `/${endpoint}`, { query: { filter, ...query } });
    return readList(response.body);
  }

  /**
   * Every resource of an endpoint, page by page: RFC 9865 cursors where the target offers them
   * (it answers `nextCursor`), index paging (RFC 7644 §3.4.2.4) otherwise. A resource is yielded
   * once, however often the target repeats it, across cursor pages as across index pages. A page of
   * nothing but repeats, or a cursor handed back unchanged, ends the listing (a target cycling
   * through its cursors would be followed forever); with `whole` it throws ListingIncomplete
   * instead: a source must not take the unseen rest as deleted.
   */
  async *list(endpoint: ResourceEndpoint, options: { filter?: string; attributes?: string; excludedAttributes?: string; pageSize?: number; paging?: 'index' | 'cursor'; whole?: boolean } = {}): AsyncGenerator<ScimObject[]> {
    const count = options.pageSize ?? 500;
    const base: Record<string, string | number | undefined> = {
      filter: options.filter,
      attributes: options.attributes,
      excludedAttributes: options.excludedAttributes,
      count,
    };
    let paging = options.paging;
    if (paging !== 'index') {
      const seen = new Set<string>();
      let cursor: string | undefined = '';
      while (cursor !== undefined) {
        let response: ScimResponse;
        try {
          response = await this.request('GET', `/${endpoint}`, { query: { ...base, cursor } });
        } catch (error) {
          // A target without cursor support may reject the parameter: fall back to index paging.
          if (cursor === '' && paging !== 'cursor' && error instanceof ScimClientError && error.status === 400) break;
          throw error;
        }
        const body = response.body as Record<string, unknown>;
        const page = readList(body);
        if (cursor === '' && typeof body.nextCursor !== 'string' && body.startIndex !== undefined && paging !== 'cursor') {
          // It ignored the cursor and paged by index: this was its first page; go on that way.
          yield* this.indexPages(endpoint, base, count, options.whole ?? false, page);
          return;
        }
        const fresh = unseen(page.resources, seen);
        const next: string | undefined = typeof body.nextCursor === 'string' && body.nextCursor !== '' ? body.nextCursor : undefined;
        const handedBack = next !== undefined && next === cursor;
        // Nothing new under a new cursor: the target cycles (or restarted its listing), so the listing ends there, in doubt.
        if (page.resources.length && !fresh.length && !handedBack) {
          if (options.whole) throw new ListingIncomplete(`/${endpoint}`, `after ${seen.size} resources the server answered a cursor page of resources it had already listed`);
          return;
        }
        if (fresh.length) yield fresh;
        // A cursor handed back unchanged would be followed forever: the listing ends there, in doubt.
        if (handedBack) {
          if (options.whole) throw new ListingIncomplete(`/${endpoint}`, 'the server handed back the cursor it was sent');
          return;
        }
        cursor = next;
        if (cursor === undefined) return;
      }
      paging = 'index';
    }
    yield* this.indexPages(endpoint, base, count, options.whole ?? false);
  }

  /**
   * Index paging that does not take totalResults on trust: some targets answer the page's length
   * there (Jackson), cap pages below the count asked, or ignore startIndex and repeat a page. Once
   * the reported total is reached, one more page is asked for, unless a short page after full ones
   * already showed the end: an empty page (or a refusal) ends the listing; new resources prove the
   * total wrong, and paging goes on until a page is empty or brings nothing new (a target that
   * repeats itself), so the listing always ends; with `whole`, such a page throws ListingIncomplete.
   */
  private async *indexPages(endpoint: ResourceEndpoint, base: Record<string, string | number | undefined>, count: number, whole: boolean, first?: { total: number; resources: ScimObject[] }): AsyncGenerator<ScimObject[]> {
    const seen = new Set<string>();
    let page = first ?? (await this.indexPage(endpoint, base, 1, false));
    let index = 1;
    let pages = 0;
    let fullPagesOnly = true;
    let beyondTotal = false;
    while (page && page.resources.length > 0) {
      const fresh = unseen(page.resources, seen);
      if (fresh.length === 0 && whole) throw new ListingIncomplete(`/${endpoint}`, `after ${seen.size} resources the server answered a page of resources it had already listed (it ignores startIndex or repeats itself)`);
      if (beyondTotal && fresh.length === 0) return;
      if (fresh.length) yield fresh;
      const short = page.resources.length < count;
      index += page.resources.length;
      pages++;
      if (!beyondTotal && index > page.total) {
        // A target that honours the count and ends on a short page has shown its end.
        if (short && fullPagesOnly && pages > 1) return;
        beyondTotal = true;
      }
      fullPagesOnly &&= !short;
      page = await this.indexPage(endpoint, base, index, beyondTotal);
    }
  }

  /** One index page; undefined when a target refuses a startIndex past the total it reported (400 or 404), which agrees with that total. */
  private async indexPage(endpoint: ResourceEndpoint, base: Record<string, string | number | undefined>, startIndex: number, beyondTotal: boolean): Promise<{ total: number; resources: ScimObject[] } | undefined> {
    try {
      return readList((await this.request('GET', `/${endpoint}`, { query: { ...base, startIndex } })).body);
    } catch (error) {
      if (beyondTotal && error instanceof ScimClientError && (error.status === 400 || error.status === 404)) return undefined;
      throw error;
    }
  }

  /**
   * POST a new resource. When the outcome of a POST is unknown (connection dropped after
   * sending, gateway error) or the target says 409, the resource is looked up with `lookup`
   * before anything is resent, so a retry never makes a second copy.
   */
  async create(endpoint: ResourceEndpoint, body: ScimObject, lookup: string | undefined): Promise<CreateOutcome> {
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.request('POST', `/${endpoint}`, { body });
        return { kind: 'created', resource: response.body as ScimObject, status: response.status };
      } catch (error) {
        const conflict = error instanceof ScimClientError && error.status === 409;
        if (!(error instanceof AmbiguousWrite) && !conflict) throw error;
        if (!lookup) throw error instanceof AmbiguousWrite ? error.failure : error;
        if (error instanceof AmbiguousWrite) await this.sleep(this.options.settleMs ?? 1000);
        const found = (await this.search(endpoint, lookup)).resources;
        if (found.length === 1) return { kind: ambiguous || error instanceof AmbiguousWrite ? 'recovered' : 'exists', resource: found[0], status: conflict ? 409 : 200 };
        if (conflict || attempt >= this.retry.maxAttempts) throw error instanceof AmbiguousWrite ? error.failure : error;
        ambiguous = true;
        await this.sleep(backoffDelay(attempt, this.retry, this.random));
      }
    }
  }

  /** PATCH with a PatchOp body; the status, and the resource when the target returns one (200 rather than 204). */
  async patch(endpoint: ResourceEndpoint, id: string, operations: WireOperation[]): Promise<{ status: number; resource?: ScimObject }> {
    const response = await this.request('PATCH', `/${endpoint}/${encodeURIComponent(id)}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations },
      // Operations the engine sends set absolute values or add/remove named members, so a resend is harmless.
      idempotent: true,
    });
    return response.status === 204 || response.body === undefined ? { status: response.status } : { status: response.status, resource: response.body as ScimObject };
  }

  /** PUT the whole resource; with `ifMatch`, only if the target's version is still that one (else 412). */
  async replace(endpoint: ResourceEndpoint, id: string, body: ScimObject, ifMatch?: string): Promise<{ status: number; resource?: ScimObject }> {
    const response = await this.request('PUT', `/${endpoint}/${encodeURIComponent(id)}`, { body, ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}) });
    return { status: response.status, resource: response.body as ScimObject | undefined };
  }

  /** DELETE, with the status; a 404 means it is gone already, which is what was asked. */
  async delete(endpoint: ResourceEndpoint, id: string): Promise<{ status: number; existed: boolean }> {
    try {
      return { status: (await this.request('DELETE', `/${endpoint}/${encodeURIComponent(id)}`)).status, existed: true };
    } catch (error) {
      if (error instanceof ScimClientError && error.status === 404) return { status: 404, existed: false };
      throw error;
    }
  }

  close(): void {
    this.transport.close();
  }

  private url(path: string, query: Record<string, string | number | undefined> = {}): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    // encodeURIComponent writes %20 rather than +: some servers do not read + as a space.
    const params = Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    url.search = [this.baseQuery, ...params].filter((p) => p !== '').join('&');
    return url;
  }

  private report(event: AttemptEvent): void {
    this.options.onAttempt?.(event);
  }
}

export interface PatchOperationBody {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** An operation as it goes on the wire: RFC 7644's lowercase ops, or Entra's legacy capitalised ones. */
export type WireOperation = Omit<PatchOperationBody, 'op'> & { op: string };

function parseBody(response: HttpResponse): unknown {
  if (response.text === '') return undefined;
  try {
    return JSON.parse(response.text);
  } catch {
    return response.text;
  }
}

function toScimResponse(response: HttpResponse): ScimResponse {
  const result: ScimResponse = { status: response.status, body: parseBody(response), headers: response.headers };
  if (response.tls) result.tls = response.tls;
  return result;
}

/** The RFC 7644 §3.12 error body's detail and scimType, or the start of whatever text came back. */
function errorFrom(method: string, path: string, response: HttpResponse): ScimClientError {
  const body = parseBody(response);
  if (body && typeof body === 'object') {
    const error = body as Record<string, unknown>;
    const detail = typeof error.detail === 'string' ? error.detail : JSON.stringify(body).slice(0, 300);
    return new ScimClientError(method, path, response.status, detail, typeof error.scimType === 'string' ? error.scimType : undefined);
  }
  const text = typeof body === 'string' ? body.slice(0, 300) : '';
  return new ScimClientError(method, path, response.status, text || `HTTP ${response.status}`);
}

function readList(body: unknown): { total: number; resources: ScimObject[] } {
  if (!body || typeof body !== 'object') throw new Error('The target answered a query with something that is not a ListResponse');
  const list = body as Record<string, unknown>;
  const key = Object.keys(list).find((k) => k.toLowerCase() === 'resources');
  const resources = key && Array.isArray(list[key]) ? (list[key] as ScimObject[]) : [];
  const total = typeof list.totalResults === 'number' ? list.totalResults : resources.length;
  return { total, resources };
}

/** The resources of a page not listed before (one without an id always counts as new), now remembered as seen. */
function unseen(resources: ScimObject[], seen: Set<string>): ScimObject[] {
  return resources.filter((r) => {
    if (typeof r.id !== 'string') return true;
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
}
