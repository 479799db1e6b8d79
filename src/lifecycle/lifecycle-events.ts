import type { EventDraft } from '../events/event-types.js';
import type { SecretRecord } from '../store/store.js';
import type { ClientInfo } from './activity-recorder.js';
import type { DueWarning } from './expiry-warnings.js';

/**
 * The administration events of the secret lifecycle. Each names its secret by id, name and the
 * recognisable suffix admins see in lists; none ever carries the secret.
 */
function secretEvent(type: EventDraft['type'], secret: SecretRecord, data: EventDraft['data']): EventDraft {
  return {
    type,
    subject: { type: 'Secret', id: secret.id },
    data: { secretId: secret.id, secretName: secret.name, suffix: secret.suffix, expiresAt: secret.expiresAt, ...data },
  };
}

/** How log lines name a secret: a client secret belongs to a directory, an admin secret to none. */
export function secretKind(secret: SecretRecord): string {
  return secret.directoryId ? 'client secret' : 'admin secret';
}

const clientData = (client: ClientInfo) => ({ clientIp: client.ip, userAgent: client.userAgent });

export function directoryConnected(directoryId: string, secret: SecretRecord, client: ClientInfo): EventDraft {
  return { type: 'directory.connected', subject: { type: 'Directory', id: directoryId }, data: { secretId: secret.id, ...clientData(client) } };
}

/** A directory that had traffic has had none for `quietForMs`: its provisioning may have stopped. */
export function directoryQuiet(directoryId: string, lastRequestAt: string, quietForMs: number): EventDraft {
  return { type: 'directory.quiet', subject: { type: 'Directory', id: directoryId }, data: { lastRequestAt, quietForMs } };
}

/** `rotation` says whether older active secrets exist, i.e. the client has just switched to this one. */
export function secretFirstUsed(secret: SecretRecord, olderActive: SecretRecord[], client: ClientInfo): EventDraft {
  return secretEvent('secret.first_used', secret, {
    rotation: olderActive.length > 0,
    olderActiveSecrets: olderActive.map((s) => ({ id: s.id, name: s.name, suffix: s.suffix, expiresAt: s.expiresAt, lastUsedAt: s.lastUsedAt })),
    ...clientData(client),
  });
}

/** `newerSecretInUse`: a newer active secret already carries traffic, so this warning needs no action. */
export function secretExpiring(secret: SecretRecord, due: DueWarning, newerSecretInUse: boolean): EventDraft {
  return secretEvent('secret.expiring', secret, { daysLeft: due.daysLeft, thresholdDays: due.thresholdDays, newerSecretInUse });
}

export function secretExpired(secret: SecretRecord): EventDraft {
  return secretEvent('secret.expired', secret, {});
}

/** Who the audit log and events name for revocations the rotation policy makes. */
export const AUTO_ROTATION_ACTOR = 'system:auto-rotation';

export function secretAutoRevoked(secret: SecretRecord, successor: SecretRecord, graceHours: number, at: Date): EventDraft {
  return secretEvent('secret.revoked', secret, {
    reason: 'auto-rotation',
    revokedAt: at.toISOString(),
    by: AUTO_ROTATION_ACTOR,
    successorId: successor.id,
    successorName: successor.name,
    successorFirstUsedAt: successor.firstUsedAt ?? null,
    graceHours,
  });
}

/**
 * How a rejected credential arrived: a client secret as a bearer secret, inside an access token or
 * at the token endpoint; an admin secret as the admin API's bearer (CLI --url, scripts, /metrics),
 * at console sign-in, or behind a console session it signed in before it expired.
 */
export type CredentialRoute = 'bearer_secret' | 'access_token' | 'token_endpoint' | 'admin_api' | 'console_sign_in' | 'console_session';

export function authRejected(secret: SecretRecord, reason: 'expired' | 'revoked', route: CredentialRoute, client: ClientInfo): EventDraft {
  return secretEvent('auth.rejected', secret, { reason, revokedAt: secret.revokedAt, via: route, ...clientData(client) });
}
