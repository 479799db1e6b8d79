import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Console session tokens: `<payload>.<HMAC>` in a cookie, signed with a key derived from the
 * server's signing key, derived from the key file (as access tokens are), so every replica accepts them without a session
 * table. The payload names the admin secret that signed in and carries the two expiries: an
 * absolute one fixed at sign-in and an idle one that moves forward while the console is used.
 * Sign-out is the only state: a revocation row kept until the absolute expiry.
 */
export interface SessionClaims {
  /** Random, names the session in revocations. */
  sessionId: string;
  /** The admin secret (`sec_…`) the session signed in with; checked on every request. */
  adminSecretId: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds: the session ends here however busy it is. */
  expiresAt: number;
  /** Unix seconds of the last request that refreshed the cookie; idle expiry counts from here. */
  seenAt: number;
}

export interface SessionLifetimes {
  idleSeconds: number;
  absoluteSeconds: number;
}

export type SessionCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: 'malformed' | 'idle' | 'expired' };

const MAX_TOKEN_LENGTH = 512;

export class SessionTokenCodec {
  private readonly key: Buffer;

  constructor(
    serverKey: Buffer,
    readonly lifetimes: SessionLifetimes,
  ) {
    // Its own derived key, so no access token or cursor can pass for a session, nor the other way round.
    this.key = createHmac('sha256', serverKey).update('scimd console session v1').digest();
  }

  /** A new session for an admin secret. */
  issue(adminSecretId: string, now: Date): { token: string; claims: SessionClaims } {
    const at = seconds(now);
    const claims: SessionClaims = {
      sessionId: randomBytes(16).toString('base64url'),
      adminSecretId,
      issuedAt: at,
      expiresAt: at + this.lifetimes.absoluteSeconds,
      seenAt: at,
    };
    return { token: this.encode(claims), claims };
  }

  /** The same session seen again now: a token whose idle expiry starts over. */
  refresh(claims: SessionClaims, now: Date): { token: string; claims: SessionClaims } {
    const refreshed = { ...claims, seenAt: seconds(now) };
    return { token: this.encode(refreshed), claims: refreshed };
  }

  /** Checks the signature in constant time, then both expiries; never reads the database. */
  verify(token: string, now: Date): SessionCheck {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
    if (!equalText(this.sign(payload), signature)) return { ok: false, reason: 'malformed' };
    const claims = parseClaims(payload);
    if (!claims) return { ok: false, reason: 'malformed' };
    const at = seconds(now);
    if (claims.expiresAt <= at) return { ok: false, reason: 'expired' };
    if (claims.seenAt + this.lifetimes.idleSeconds <= at) return { ok: false, reason: 'idle' };
    return { ok: true, claims };
  }

  /** When the session ends if nothing else happens: the earlier of the idle and absolute expiries. */
  endsAt(claims: SessionClaims): Date {
    return new Date(Math.min(claims.expiresAt, claims.seenAt + this.lifetimes.idleSeconds) * 1000);
  }

  /** The per-session CSRF token the console sends back in a header on every unsafe request. */
  csrfToken(claims: SessionClaims): string {
    return createHmac('sha256', this.key).update(`csrf.${claims.sessionId}`).digest('base64url');
  }

  checkCsrf(claims: SessionClaims, given: string | undefined): boolean {
    return given !== undefined && equalText(this.csrfToken(claims), given);
  }

  private encode(claims: SessionClaims): string {
    const payload = Buffer.from(
      JSON.stringify({ sid: claims.sessionId, aid: claims.adminSecretId, iat: claims.issuedAt, exp: claims.expiresAt, seen: claims.seenAt }),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function equalText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function parseClaims(payload: string): SessionClaims | undefined {
  try {
    const { sid, aid, iat, exp, seen } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof sid !== 'string' || typeof aid !== 'string') return undefined;
    if (![iat, exp, seen].every((n) => Number.isSafeInteger(n))) return undefined;
    return { sessionId: sid, adminSecretId: aid, issuedAt: iat as number, expiresAt: exp as number, seenAt: seen as number };
  } catch {
    return undefined;
  }
}
