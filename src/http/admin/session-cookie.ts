import type { FastifyReply, FastifyRequest } from 'fastify';

/** The console's session cookie. */
export const SESSION_COOKIE = 'scimd_session';
/** The header the console echoes its per-session CSRF token in on unsafe requests. */
export const CSRF_HEADER = 'x-scimd-csrf';

/** The session cookie's value, if the request carries exactly one. */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const values = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SESSION_COOKIE}=`))
    .map((part) => part.slice(SESSION_COOKIE.length + 1));
  // Two cookies of the same name mean a cookie was planted beside ours: trust neither.
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}

/**
 * Sets (or, with `maxAgeSeconds` 0, clears) the session cookie: HttpOnly so no script reads it,
 * SameSite=Strict so no other site's page sends it, Secure whenever the console is served over TLS.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  const attributes = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`];
  if (request.protocol === 'https') attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}

/**
 * Whether the request's Origin, when it sends one, is this server: its public URL, or the Host the
 * browser reached it at. Never X-Forwarded-Host, which a client can set on a trusted path.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === request.server.publicUrl.configuredOrigin() || origin === `${request.protocol}://${request.headers.host}`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}
