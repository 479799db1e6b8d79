import type { FastifyRequest } from 'fastify';
import { authenticateSecret } from '../../auth/secrets.js';
import type { SecretRecord, Store } from '../../store/store.js';
import { AuthError } from './errors.js';

/** How often, at most, a secret's last-use time is written, per process. */
const USE_RECORD_INTERVAL_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <secret>` to the directory it opens. Missing, malformed,
 * unknown, expired and revoked secrets all get 401 with the RFC 6750 challenge; an admin secret
 * is refused with 403 because it names no directory.
 */
export class BearerAuth {
  private readonly lastRecorded = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async directoryFor(request: FastifyRequest): Promise<{ directoryId: string; secret: SecretRecord }> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new AuthError(401, 'Authentication required: send "Authorization: Bearer <client secret>"', {
        'www-authenticate': 'Bearer realm="scimd"',
      });
    }
    const now = this.clock();
    const result = await authenticateSecret(this.store, match[1], now);
    if (!result.ok) {
      const detail =
        result.reason === 'expired'
          ? `The client secret expired on ${result.secret!.expiresAt}; create a new one and update the identity provider`
          : result.reason === 'revoked'
            ? 'The client secret has been revoked'
            : 'The client secret is not valid';
      throw new AuthError(401, detail, { 'www-authenticate': `Bearer realm="scimd", error="invalid_token", error_description="${detail.replace(/"/g, "'")}"` });
    }
    const secret = result.secret;
    if (secret.scope !== 'scim' || !secret.directoryId) {
      throw new AuthError(403, 'This secret is an admin secret; SCIM requests need a directory client secret', {
        'www-authenticate': 'Bearer realm="scimd", error="insufficient_scope"',
      });
    }
    this.recordUse(secret, request, now);
    return { directoryId: secret.directoryId, secret };
  }

  /** Last use is recorded at most once a minute per secret so reads stay reads. */
  private recordUse(secret: SecretRecord, request: FastifyRequest, now: Date): void {
    const last = this.lastRecorded.get(secret.id) ?? 0;
    if (now.getTime() - last < USE_RECORD_INTERVAL_MS) return;
    this.lastRecorded.set(secret.id, now.getTime());
    const userAgent = request.headers['user-agent'] ?? null;
    this.store.recordSecretUse(secret.id, now.toISOString(), request.ip ?? null, userAgent).catch((err) => {
      request.log.warn({ err }, 'could not record secret use');
    });
  }
}
