import { relative } from '../format';
import type { Secret } from '../types';

/**
 * Where a rotation stands, from the secrets' first and last use: has the identity provider
 * switched to the newest secret, and does anything still call with the older one?
 */
export function rotationState(secrets: Secret[]): { headline: string; detail: string; safeToRevoke: string | null } | null {
  const active = secrets.filter((s) => s.state === 'active' || s.state === 'expiring').sort((a, b) => (a.created < b.created ? -1 : 1));
  if (active.length < 2) return null;
  const newest = active[active.length - 1];
  const older = active.slice(0, -1);
  if (!newest.firstUsedAt) {
    return {
      headline: `Rotation started: "${newest.name}" has not been seen in traffic yet`,
      detail: `Put it into the identity provider (Secret Token / API token) and save; until then clients still call with ${older.map((s) => `"${s.name}"`).join(', ')}.`,
      safeToRevoke: null,
    };
  }
  const stillUsed = older.filter((s) => s.lastUsedAt && s.lastUsedAt > newest.firstUsedAt!);
  if (stillUsed.length) {
    return {
      headline: `The new secret "${newest.name}" is in use, and so is the old one`,
      detail: `${stillUsed.map((s) => `"${s.name}" was last used ${relative(s.lastUsedAt)} from ${s.lastUsedUserAgent ?? 'an unknown client'}`).join('; ')}, after the new secret's first use ${relative(newest.firstUsedAt)}. Some client still has the old secret; find it before revoking.`,
      safeToRevoke: null,
    };
  }
  return {
    headline: `Rotation complete: "${newest.name}" carries the traffic`,
    detail: `No request has used ${older.map((s) => `"${s.name}"`).join(', ')} since the new secret's first use ${relative(newest.firstUsedAt)}.`,
    safeToRevoke: older[0].id,
  };
}

/**
 * Whether a rotation has taken `secret` out of use: a newer active secret carries the traffic and
 * nothing has called with this one since the newer one's first use. Revoking it stops no client.
 */
export function replacedByRotation(secret: Secret, secrets: Secret[]): boolean {
  const state = rotationState(secrets);
  if (!state || state.safeToRevoke === null) return false;
  const active = secrets.filter((s) => s.state === 'active' || s.state === 'expiring').sort((a, b) => (a.created < b.created ? -1 : 1));
  return active.slice(0, -1).some((s) => s.id === secret.id);
}
