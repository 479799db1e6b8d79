import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ACCESS_TOKEN_PREFIX, AccessTokenCodec, isAccessToken } from './access-token.js';
import { generateSecret, isWellFormedSecret } from './secret-format.js';

const key = randomBytes(32);
const codec = new AccessTokenCodec(key);
const now = new Date('2030-01-01T00:00:00.000Z');

describe('access tokens', () => {
  it('round-trips the secret id and expiry', () => {
    const { token, claims } = codec.issue('sec_abc', now, 3600);
    assert.ok(token.startsWith(ACCESS_TOKEN_PREFIX));
    assert.deepEqual(codec.verify(token, now), { ok: true, claims });
    assert.equal(claims.expiresAt - claims.issuedAt, 3600);
  });

  it('is told apart from a client secret by its prefix, in both directions', () => {
    const { token } = codec.issue('sec_abc', now, 3600);
    assert.equal(isAccessToken(token), true);
    assert.equal(isWellFormedSecret(token), false);
    assert.equal(isAccessToken(generateSecret()), false);
  });

  it('expires exactly at its expiry time', () => {
    const { token } = codec.issue('sec_abc', now, 3600);
    assert.equal(codec.verify(token, new Date(now.getTime() + 3_599_999)).ok, true);
    const late = codec.verify(token, new Date(now.getTime() + 3_600_000));
    assert.equal(late.ok, false);
    assert.equal(!late.ok && late.reason, 'expired');
  });

  it('refuses a token whose payload was changed, even to a validly signed-looking one', () => {
    const { token } = codec.issue('sec_abc', now, 3600);
    const [payload, signature] = token.slice(ACCESS_TOKEN_PREFIX.length).split('.');
    const forged = Buffer.from(JSON.stringify({ sid: 'sec_other', iat: 0, exp: 9_999_999_999 })).toString('base64url');
    assert.deepEqual(codec.verify(`${ACCESS_TOKEN_PREFIX}${forged}.${signature}`, now), { ok: false, reason: 'malformed' });
    const longer = Buffer.from(JSON.stringify({ sid: 'sec_abc', iat: 0, exp: 9_999_999_999 })).toString('base64url');
    assert.deepEqual(codec.verify(`${ACCESS_TOKEN_PREFIX}${longer}.${signature}`, now), { ok: false, reason: 'malformed' });
    const otherLast = signature.endsWith('A') ? 'B' : 'A';
    assert.deepEqual(codec.verify(`${ACCESS_TOKEN_PREFIX}${payload}.${signature.slice(0, -1)}${otherLast}`, now), { ok: false, reason: 'malformed' });
  });

  it('refuses a token signed with another server key', () => {
    const { token } = new AccessTokenCodec(randomBytes(32)).issue('sec_abc', now, 3600);
    assert.deepEqual(codec.verify(token, now), { ok: false, reason: 'malformed' });
  });

  it('accepts the tokens of another codec on the same server key (another replica)', () => {
    const { token } = new AccessTokenCodec(Buffer.from(key)).issue('sec_abc', now, 3600);
    assert.equal(codec.verify(token, now).ok, true);
  });

  it('refuses malformed shapes without throwing', () => {
    for (const text of [ACCESS_TOKEN_PREFIX, `${ACCESS_TOKEN_PREFIX}.`, `${ACCESS_TOKEN_PREFIX}a.b.c`, `${ACCESS_TOKEN_PREFIX}${'a'.repeat(600)}.b`, 'not-a-token']) {
      assert.deepEqual(codec.verify(text, now), { ok: false, reason: 'malformed' }, text);
    }
  });
});
