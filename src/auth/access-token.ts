import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OAuth access tokens (RFC 6749 §4.4) look like `scimd_at_<payload>.<signature>`: the prefix
 * tells them from client secrets (`scimd_` + base62, which has no `_`) before any other check.
 * They are stateless and tamper-evident: the payload names the client secret they were issued
 * for and when they expire, signed with a key derived from the key file's key (never stored in the database), so every
 * replica accepts them. The secret itself is checked on every request, so revoking it (or its
 * expiry) ends its tokens at once.
 */
export const ACCESS_TOKEN_PREFIX = 'scimd_at_';

/** Tokens longer than this are refused unread. */
const MAX_TOKEN_LENGTH = 512;

export interface AccessTokenClaims {
  /** The client secret (`sec_…`) the token was issued for. */
  secretId: string;
  /** Unix seconds. */
  issuedAt: number;
  expiresAt: number;
}

export type AccessTokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: 'malformed' | 'expired'; claims?: AccessTokenClaims };

export function isAccessToken(text: string): boolean {
  return text.startsWith(ACCESS_TOKEN_PREFIX);
}

export class AccessTokenCodec {
  private readonly key: Buffer;

  constructor(serverKey: Buffer) {
    // A key of its own, so an access token can never pass for a cursor or the other way round.
    this.key = createHmac('sha256', serverKey).update('scimd oauth access token v1').digest();
  }

  issue(secretId: string, now: Date, lifetimeSeconds: number): { token: string; claims: AccessTokenClaims } {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const claims: AccessTokenClaims = { secretId, issuedAt, expiresAt: issuedAt + lifetimeSeconds };
    const payload = Buffer.from(JSON.stringify({ sid: claims.secretId, iat: claims.issuedAt, exp: claims.expiresAt })).toString('base64url');
    return { token: `${ACCESS_TOKEN_PREFIX}${payload}.${this.sign(payload)}`, claims };
  }

  /** Checks the signature in constant time, then the expiry; never reads the database. */
  verify(token: string, now: Date): AccessTokenCheck {
    if (!isAccessToken(token) || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const [payload, signature, extra] = token.slice(ACCESS_TOKEN_PREFIX.length).split('.');
    if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'malformed' };
    const claims = parseClaims(payload);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (claims.expiresAt * 1000 <= now.getTime()) return { ok: false, reason: 'expired', claims };
    return { ok: true, claims };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function parseClaims(payload: string): AccessTokenClaims | undefined {
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { sid, iat, exp } = data;
    if (typeof sid !== 'string' || !Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return undefined;
    return { secretId: sid, issuedAt: iat as number, expiresAt: exp as number };
  } catch {
    return undefined;
  }
}
