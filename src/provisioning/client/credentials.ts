import { CredentialError } from './client-errors.js';
import type { HttpTransport } from './http-transport.js';

/** What the client puts in `Authorization`, and how to get a fresh one after a 401. */
export interface Credential {
  /** The header value, e.g. `Bearer …`. */
  authorization(): Promise<string>;
  /**
   * After a 401: forgets a cached token, or looks for a newer secret, so the next call sends a
   * different credential; false when there is nothing different to send (no retry then).
   */
  invalidate(): boolean | Promise<boolean>;
  /** When the current token or secret stops working, when known. */
  expiresAt(): Date | undefined;
}

/** Reads the secret stored for the connection now (the engine may have rotated it since this credential was made). */
export type CurrentSecret = () => Promise<{ secret: string; expiresAt?: Date } | undefined>;

/**
 * A long-lived secret token, pasted by an admin (Entra's "Secret Token"). With `current`, a 401
 * makes it read the stored secret again: when the engine rotated its own secret after this one
 * was read, the request is retried once with the successor instead of failing.
 */
export class BearerSecret implements Credential {
  constructor(
    private secret: string,
    private expiry?: Date,
    private readonly current?: CurrentSecret,
  ) {}

  async authorization(): Promise<string> {
    return `Bearer ${this.secret}`;
  }

  async invalidate(): Promise<boolean> {
    const stored = await this.current?.().catch(() => undefined);
    if (!stored || stored.secret === this.secret) return false;
    this.secret = stored.secret;
    this.expiry = stored.expiresAt;
    return true;
  }

  expiresAt(): Date | undefined {
    return this.expiry;
  }
}

export interface ClientCredentialsSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** RFC 6749 §2.3.1: HTTP Basic (the one servers must support) or the client id and secret in the body. */
  authMethod?: 'basic' | 'post';
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): fetches an access token from the token
 * endpoint and reuses it until shortly before it expires; concurrent callers share one fetch.
 */
export class ClientCredentials implements Credential {
  private token?: { value: string; refreshAt: number; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly settings: ClientCredentialsSettings,
    private readonly transport: HttpTransport,
    private readonly now: () => number = Date.now,
  ) {}

  async authorization(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return `Bearer ${this.token.value}`;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return `Bearer ${await this.pending}`;
  }

  invalidate(): boolean {
    this.token = undefined;
    return true;
  }

  expiresAt(): Date | undefined {
    return this.token ? new Date(this.token.expiresAt) : undefined;
  }

  private async fetchToken(): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope, authMethod = 'basic' } = this.settings;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (authMethod === 'basic') {
      const encode = (text: string) => encodeURIComponent(text);
      headers.authorization = `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    let url: URL;
    try {
      url = new URL(tokenUrl);
    } catch {
      throw new CredentialError(`The token endpoint ${JSON.stringify(tokenUrl)} is not a URL`);
    }
    let response;
    try {
      response = await this.transport.send({ method: 'POST', url, headers, body: form.toString(), label: url.pathname });
    } catch (error) {
      throw new CredentialError(`The token endpoint could not be reached: ${(error as Error).message}`);
    }
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(response.text) as Record<string, unknown>;
    } catch {
      // described below
    }
    if (response.status !== 200 || typeof body.access_token !== 'string') {
      const reason = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}` : `HTTP ${response.status}`;
      throw new CredentialError(`The token endpoint refused the client credentials: ${reason}`);
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600)) * 1000;
    const now = this.now();
    // Renew a minute early, or at 90% of a short lifetime, so no request carries a token that expires in flight.
    const margin = Math.min(60_000, lifetimeMs * 0.1);
    this.token = { value: body.access_token, refreshAt: now + lifetimeMs - margin, expiresAt: now + lifetimeMs };
    return body.access_token;
  }
}
