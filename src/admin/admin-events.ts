import type { EventDraft } from '../events/event-types.js';
import type { JsonObject } from '../scim/json.js';
import type { DirectoryRecord, SecretRecord } from '../store/store.js';
import type { Actor } from './admin-views.js';

/**
 * The events administrative changes append to a directory's outbox. Secret events carry the same
 * fields as the lifecycle's (id, name, suffix, expiry) and, like them, never the secret itself.
 */
export function directoryCreated(directory: DirectoryRecord, actor: Actor): EventDraft {
  return { type: 'directory.created', subject: { type: 'Directory', id: directory.id }, data: { name: directory.name, by: actor.id } };
}

/** `changes` maps each changed field to `{from, to}`. */
export function directoryUpdated(directory: DirectoryRecord, changes: JsonObject, actor: Actor): EventDraft {
  return { type: 'directory.updated', subject: { type: 'Directory', id: directory.id }, data: { name: directory.name, changes, by: actor.id } };
}

export function directoryDeleted(directory: DirectoryRecord, actor: Actor): EventDraft {
  return { type: 'directory.deleted', subject: { type: 'Directory', id: directory.id }, data: { name: directory.name, by: actor.id } };
}

/** `via`: an admin made it, or the directory's client rotated its own secret (`rotatedFrom`). */
export function secretCreated(secret: SecretRecord, actor: Actor, via: 'admin' | 'self-rotation', extra: JsonObject = {}): EventDraft {
  return secretEvent('secret.created', secret, { via, by: actor.id, ...extra });
}

export function secretRevoked(secret: SecretRecord, actor: Actor, reason: 'admin' | 'self-retired', extra: JsonObject = {}): EventDraft {
  return secretEvent('secret.revoked', secret, { reason, revokedAt: secret.revokedAt, by: actor.id, ...extra });
}

function secretEvent(type: EventDraft['type'], secret: SecretRecord, data: JsonObject): EventDraft {
  return {
    type,
    subject: { type: 'Secret', id: secret.id },
    data: { secretId: secret.id, secretName: secret.name, suffix: secret.suffix, expiresAt: secret.expiresAt, ...data },
  };
}
