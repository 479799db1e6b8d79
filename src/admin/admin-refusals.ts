import type { DirectoryRecord, SecretRecord } from '../store/store.js';
import { AdminError } from './admin-error.js';
import { describeSecret } from './secret-view.js';

/**
 * Why AdminService refuses, one named constructor per reason. Each message says what would
 * break and what to do instead, for the CLI and the API alike (the API hint is in parentheses).
 */

export const directoryNotFound = (ref: string) => new AdminError(404, 'not-found', `No directory ${JSON.stringify(ref)}; see "scimd directory list"`);

export const secretNotFound = (id: string, scope: 'scim' | 'admin' = 'scim') =>
  new AdminError(404, 'not-found', `No ${scope === 'admin' ? 'admin secret' : 'secret'} with id ${JSON.stringify(id)}`);

export const alreadyRevoked = (secret: SecretRecord) => new AdminError(409, 'already-revoked', `Secret ${secret.id} was already revoked at ${secret.revokedAt}`);

export function confirmationRequired(directory: DirectoryRecord, given: string | undefined, counts: { users: number; groups: number }, activeSecrets: number): AdminError {
  const opening = given === undefined ? 'Deleting' : `${JSON.stringify(given)} is not the directory's name. Deleting`;
  return new AdminError(
    400,
    'confirmation-required',
    `${opening} directory ${directory.name} (${directory.id}) removes its ${plural(counts.users, 'user')}, ${plural(counts.groups, 'group')} and client secrets ` +
      `for good, and its identity provider's requests${activeSecrets ? ` (${plural(activeSecrets, 'active secret')})` : ''} will be refused. ` +
      `To confirm, repeat its name: --confirm ${JSON.stringify(directory.name)} (API: ?confirm=${encodeURIComponent(directory.name)})`,
  );
}

export function activeSecretLimit(directory: DirectoryRecord, active: SecretRecord[], max: number): AdminError {
  return new AdminError(
    409,
    'active-secret-limit',
    `Directory ${directory.name} already has ${plural(active.length, 'active client secret')}, the most it allows: ${active.map(describeSecret).join(', ')}. ` +
      `Revoke one first (scimd token revoke <id>), or raise the limit (scimd directory set ${directory.name} --max-active-secrets ${max + 1}).`,
  );
}

/** `directory` is absent for admin secrets. */
export function lastActiveSecret(secret: SecretRecord, directory?: DirectoryRecord): AdminError {
  const detail = directory
    ? `${describeSecret(secret)} is the last active client secret of directory ${directory.name}: revoking it makes scimd refuse every request ` +
      `from the identity provider (401), so provisioning stops until a new secret is put there. Create and install a successor first ` +
      `(scimd token create ${directory.name}), or revoke anyway with --force (API: ?force=true).`
    : `${describeSecret(secret)} is the last active admin secret: revoking it shuts the admin API (/api/v1) and the remote CLI out until ` +
      `someone with the database runs "scimd admin token create". Revoke anyway with --force (API: ?force=true).`;
  return new AdminError(409, 'last-active-secret', detail);
}

export const selfRotationDisabled = (directory: DirectoryRecord) =>
  new AdminError(403, 'self-rotation-disabled', `Directory ${directory.name} does not allow its client to rotate its own secret; an admin can allow it (allowSelfRotation)`);

export const selfRotationLimit = (directory: DirectoryRecord, active: number) =>
  new AdminError(
    409,
    'active-secret-limit',
    `Directory ${directory.name} already has ${plural(active, 'active client secret')}, the most it allows. ` +
      'Retire the one no longer used first (DELETE /api/v1/self/secret with it), then ask for a successor.',
  );

export const callerInactive = () => new AdminError(409, 'already-revoked', 'The calling secret is no longer active');

export const successorNotUsed = (directory: DirectoryRecord) =>
  new AdminError(
    409,
    'successor-not-used',
    `No other active secret of directory ${directory.name} has carried a request yet: make one request with the successor first, so retiring this secret cannot stop provisioning`,
  );

export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
