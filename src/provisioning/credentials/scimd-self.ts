import { HttpTransport } from '../client/http-transport.js';

/**
 * The self endpoints of a scimd target (`/api/v1/self/…`), which a directory client secret may
 * call about itself: read its own expiry, ask for a successor, retire itself. Other targets have
 * no such endpoints; `selfUrl` only guesses the address, and a target that does not answer
 * like scimd is simply not rotated.
 */
export interface SelfSecret {
  id: string;
  expiresAt: string | null;
}

export interface CreatedSelfSecret extends SelfSecret {
  secret: string;
}

const TIMEOUT_MS = 20_000;

/** `https://host/scim/v2` → `https://host/api/v1`; undefined when the URL does not end like a scimd SCIM base. */
export function selfApiBase(targetUrl: string): string | undefined {
  const url = new URL(targetUrl);
  if (!/\/scim\/v2\/?$/i.test(url.pathname)) return undefined;
  url.pathname = url.pathname.replace(/\/scim\/v2\/?$/i, '/api/v1');
  url.search = '';
  return url.toString().replace(/\/$/, '');
}

export class ScimdSelfClient {
  constructor(private readonly apiBase: string) {}

  /** The secret's own record; undefined when the target does not answer like scimd. */
  async read(secret: string): Promise<SelfSecret | undefined> {
    const response = await this.call('GET', '/self/secret', secret);
    if (response.status !== 200) return undefined;
    const body = response.body as Partial<SelfSecret> | undefined;
    if (!body || typeof body.id !== 'string' || !('expiresAt' in body)) return undefined;
    return { id: body.id, expiresAt: body.expiresAt ?? null };
  }

  /** Asks for a successor secret; throws with the target's problem detail when refused. */
  async rotate(secret: string, name: string): Promise<CreatedSelfSecret> {
    const response = await this.call('POST', '/self/secrets', secret, { name });
    const body = response.body as Partial<CreatedSelfSecret> | undefined;
    if (response.status !== 201 || !body || typeof body.secret !== 'string' || typeof body.id !== 'string') throw new Error(`the target refused a successor secret: ${describe(response)}`);
    return { id: body.id, secret: body.secret, expiresAt: body.expiresAt ?? null };
  }

  /** Revokes the secret it is called with (the target requires that a successor has carried a request). */
  async retire(secret: string): Promise<void> {
    const response = await this.call('DELETE', '/self/secret', secret);
    if (response.status !== 200) throw new Error(`the target did not retire the old secret: ${describe(response)}`);
  }

  private async call(method: string, path: string, secret: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await selfTransport.send({
      method,
      url: new URL(`${this.apiBase}${path}`),
      label: path,
      headers: { authorization: `Bearer ${secret}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    let parsed: unknown;
    try {
      parsed = response.text ? JSON.parse(response.text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  }
}

/** The engine's own transport (size limit, address policy), shared by every rotation; idle sockets do not hold the process. */
const selfTransport = new HttpTransport({ maxSockets: 2, timeoutMs: TIMEOUT_MS });

function describe(response: { status: number; body: unknown }): string {
  const detail = (response.body as { detail?: unknown } | undefined)?.detail;
  return `${response.status}${typeof detail === 'string' ? ` ${detail}` : ''}`;
}
