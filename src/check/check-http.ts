import type { RawExchange, ScimClient } from '../provisioning/client/scim-client.js';
import { CheckAborted } from './check-failure.js';
import type { ExchangeRecord } from './check-types.js';

/** How much of a response body a report quotes. */
const EXCERPT_CHARS = 600;

export interface SendOptions {
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** 'none' sends no Authorization header; any other string replaces the secret. */
  authorization?: string | 'none';
}

/** A response as a check reads it, plus the record a report shows. */
export interface Exchange extends RawExchange {
  /** The body when it is a JSON object, else an empty object (checks read fields without guards). */
  json: Record<string, unknown>;
  record: ExchangeRecord;
}

/**
 * The checker's only way to the server: every request goes once through the provisioning
 * engine's ScimClient (no retries, so what the server said is what is judged) and is kept as a
 * printable record with the secret left out.
 */
export class CheckHttp {
  /** How long every answer took, by request line with ids left out, for the latency checks. */
  readonly timings: { call: string; ms: number }[] = [];

  constructor(
    private readonly client: ScimClient,
    private readonly aborted: () => boolean,
  ) {}

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  async send(method: string, path: string, options: SendOptions = {}): Promise<Exchange> {
    if (this.aborted()) throw new CheckAborted();
    return this.sendAnyway(method, path, options);
  }

  /** Sends even after an interruption: cleanup uses this. */
  async sendAnyway(method: string, path: string, options: SendOptions = {}): Promise<Exchange> {
    const authorization = options.authorization === 'none' ? null : options.authorization;
    const raw = await this.client.exchange(method, path, {
      body: options.body,
      rawBody: options.rawBody,
      query: options.query,
      headers: options.headers,
      authorization,
    });
    this.timings.push({ call: `${method} ${path.replace(/\/[^/?]+$/, (last) => (/^\/(Users|Groups|Bulk|Schemas|ResourceTypes|ServiceProviderConfig)$/.test(last) ? last : '/{id}'))}`, ms: raw.ms });
    const json = raw.body && typeof raw.body === 'object' && !Array.isArray(raw.body) ? (raw.body as Record<string, unknown>) : {};
    return { ...raw, json, record: this.record(method, path, options, raw) };
  }

  private record(method: string, path: string, options: SendOptions, raw: RawExchange): ExchangeRecord {
    const query = Object.entries(options.query ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('&');
    const headers: Record<string, string> = { ...options.headers };
    if (options.authorization === 'none') headers.Authorization = '(none)';
    else if (options.authorization !== undefined) headers.Authorization = options.authorization;
    const requestBody = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const contentType = raw.headers['content-type'];
    return {
      request: {
        method,
        url: `${path}${query ? `?${query}` : ''}`,
        ...(Object.keys(headers).length ? { headers } : {}),
        ...(requestBody !== undefined ? { body: excerpt(requestBody) } : {}),
      },
      status: raw.status,
      ...(contentType ? { contentType: String(contentType) } : {}),
      excerpt: excerpt(raw.text),
      ms: raw.ms,
    };
  }
}

function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}… (${text.length} chars)` : text;
}
