import { secretState } from '../auth/secrets.js';
import { ADMIN_STREAM } from '../events/system-streams.js';
import type { DirectoryEvent } from '../events/event-types.js';
import type { SecretRecord, Store } from '../store/store.js';
import type { RejectedAdminSecret } from './api-views.js';

const HOUR_MS = 3_600_000;
/** How far back the admin stream is read for where a refused secret came from: its events are few (at most hourly per secret). */
const EVENTS_READ = 500;

/**
 * Expired or revoked admin secrets refused within the idle period, newest refusal first. The
 * secret's record says when a refusal was last recorded; the `auth.rejected` event of that
 * refusal on the admin stream says where from. Costs one read of the secrets when none is refused.
 */
export async function rejectedAdminSecrets(store: Store, adminSecrets: SecretRecord[], now: Date, idleHours: number): Promise<RejectedAdminSecret[]> {
  const refused = adminSecrets.filter(
    (s) => s.rejectedAnnouncedAt && secretState(s, now) !== 'active' && now.getTime() - Date.parse(s.rejectedAnnouncedAt) < idleHours * HOUR_MS,
  );
  if (!refused.length) return [];
  const latest = newestRejections(await readRecent(store));
  return refused
    .map((secret) => {
      const reason = secretState(secret, now) === 'revoked' ? 'revoked' : 'expired';
      const data = latest.get(secret.id)?.data ?? {};
      const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : null);
      return {
        id: secret.id,
        name: secret.name,
        suffix: secret.suffix,
        reason,
        since: reason === 'revoked' ? secret.revokedAt : secret.expiresAt,
        lastRejectedAt: secret.rejectedAnnouncedAt!,
        clientIp: text('clientIp'),
        userAgent: text('userAgent'),
        via: text('via'),
      } satisfies RejectedAdminSecret;
    })
    .sort((a, b) => (a.lastRejectedAt < b.lastRejectedAt ? 1 : -1));
}

async function readRecent(store: Store): Promise<DirectoryEvent[]> {
  const last = await store.lastSequence(ADMIN_STREAM);
  return store.readEvents(ADMIN_STREAM, Math.max(0, last - EVENTS_READ), EVENTS_READ);
}

/** The newest `auth.rejected` event of each secret. */
function newestRejections(events: DirectoryEvent[]): Map<string, DirectoryEvent> {
  const latest = new Map<string, DirectoryEvent>();
  for (const event of events) if (event.type === 'auth.rejected') latest.set(event.subject.id, event);
  return latest;
}
