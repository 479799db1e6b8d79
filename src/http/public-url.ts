import type { AddressInfo } from 'node:net';
import { invalidValue } from '../scim/errors.js';

/**
 * Where clients reach this server, for every absolute URL it writes (Location, meta.location,
 * discovery, OAuth metadata, tenant URLs): the configured public URL, else the address it listens
 * on. Never a request's Host or X-Forwarded-* header, which any client can set, and which would
 * let one poison a cached answer (OAuth metadata) or a link another client follows.
 */
export class PublicUrl {
  /** The origin from the listening address, once there is one: a server never moves to another port, and asking the socket costs a system call per request. */
  private listeningOrigin: string | undefined;

  constructor(
    private readonly configured: string | undefined,
    private readonly listening: { host: string; tls: boolean; address: () => AddressInfo | string | null },
  ) {}

  /** `https://scim.example.com` (with a path prefix when the public URL has one), no trailing slash. */
  origin(): string {
    if (this.configured !== undefined) return this.configured;
    if (this.listeningOrigin !== undefined) return this.listeningOrigin;
    const address = this.listening.address();
    const port = address !== null && typeof address === 'object' ? address.port : undefined;
    const scheme = this.listening.tls ? 'https' : 'http';
    const origin = `${scheme}://${hostForUrl(this.listening.host)}${port === undefined ? '' : `:${port}`}`;
    if (port !== undefined) this.listeningOrigin = origin;
    return origin;
  }

  /** The scheme and host of the configured public URL (what a browser sends as Origin), if one is set. */
  configuredOrigin(): string | undefined {
    return this.configured === undefined ? undefined : new URL(this.configured).origin;
  }

  /** The SCIM base URL: `<origin>/scim/v2`. */
  scim(prefix: string): string {
    return `${this.origin()}${prefix}`;
  }
}

/** The listen host as a URL host: an unspecified address names this machine's loopback. */
function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Reads `--public-url` / SCIMD_PUBLIC_URL: an http(s) URL, optionally with a path prefix; no query or fragment. */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (!URL.canParse(text)) throw invalidValue(`--public-url ${JSON.stringify(text)} is not a URL such as https://scim.example.com`);
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidValue(`--public-url must be http:// or https://, not ${url.protocol}`);
  if (url.search || url.hash || url.username || url.password) throw invalidValue('--public-url takes a scheme, host and optional path only (no query, fragment or credentials)');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Where clients reach this server: every absolute URL it writes is built from this. */
    publicUrl: PublicUrl;
  }
}
