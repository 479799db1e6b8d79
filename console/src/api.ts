/**
 * The console's one way to reach the server: the admin API under /api/v1, authenticated by the
 * session cookie, with the session's CSRF token on every unsafe request. Failures become
 * ApiErrors carrying the RFC 9457 problem's detail, and are announced to the error banner.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** The problem type's last part (`last-active-secret`, `not-found`, …). */
    readonly problem: string | null,
  ) {
    super(detail);
  }
}

type Listener<T> = (value: T) => void;

/** A tiny observable: the banner and the sign-in gate subscribe to the client's events. */
class Channel<T> {
  private readonly listeners = new Set<Listener<T>>();
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}

/** Errors for the global banner: failed requests and uncaught script errors. */
export const errors = new Channel<string>();
/** Fired when the server says the session has ended. */
export const signedOut = new Channel<string>();

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface RequestOptions {
  body?: unknown;
  /** Don't announce a failure in the banner: the caller shows it where it happened. */
  quiet?: boolean;
  /** Ends a long poll when the page goes away. */
  signal?: AbortSignal;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-scimd-csrf'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const error = new ApiError(0, 'The server could not be reached; check that scimd is running.', null);
    if (!options.quiet) errors.emit(error.detail);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text ? safeJson(text) : undefined;
  if (response.ok) return data as T;
  const problem = data && typeof data === 'object' ? (data as { detail?: unknown; type?: unknown }) : {};
  const detail = typeof problem.detail === 'string' ? problem.detail : `${method} ${path} failed with HTTP ${response.status}`;
  const type = typeof problem.type === 'string' && problem.type.startsWith('urn:scimd:problem:') ? problem.type.slice('urn:scimd:problem:'.length) : null;
  const error = new ApiError(response.status, detail, type);
  if (response.status === 401 && path !== '/session') {
    signedOut.emit(detail);
  } else if (!options.quiet) {
    errors.emit(detail);
  }
  throw error;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
