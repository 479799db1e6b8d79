import type { ConnectionStatus, DirectoryRecord, SecretRecord } from '../store/store.js';
import { HEALTH_ORDER, type DirectoryHealth, type DirectoryStatus, type SecretView } from './admin-views.js';
import { secretView } from './secret-view.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface HealthOptions {
  now: Date;
  /** Days before expiry at which an active secret counts as expiring. */
  windowDays: number;
  /** A connected directory without a request for this long is idle. */
  idleHours: number;
}

/**
 * A directory's health in one word and one sentence, worst condition first: refusing its client
 * (the silent outage), no working secret, a secret about to expire, no traffic, never connected.
 */
export function directoryStatus(directory: DirectoryRecord, connection: ConnectionStatus | undefined, secrets: SecretRecord[], options: HealthOptions): DirectoryStatus {
  const { now } = options;
  const views = secrets.map((s) => secretView(s, now, options.windowDays));
  const active = views.filter((s) => s.state === 'active' || s.state === 'expiring');
  const expiries = active.map((s) => s.expiresAt).filter((e): e is string => e !== null).sort();
  const c = withFirstRequest(connection ?? emptyConnection(directory.id));
  const rejection = rejectionNow(c, active, now, options.idleHours);
  const expiring = active.filter((s) => s.state === 'expiring').sort((a, b) => (a.expiresAt! < b.expiresAt! ? -1 : 1));
  const idleFor = c.lastRequestAt ? now.getTime() - Date.parse(c.lastRequestAt) : null;

  let health: DirectoryHealth;
  let summary: string;
  if (rejection) {
    health = 'rejecting';
    const secret = views.find((s) => s.id === c.lastRejectedSecretId);
    summary = `refusing its identity provider: at ${c.lastRejectedAt} it sent ${secret ? nameOf(secret) : 'a client secret'}, which ${rejectedBecause(c, secret, now)}; give the identity provider an active secret`;
  } else if (!active.length) {
    health = 'no_active_secret';
    summary = secrets.length ? 'no active client secret: every request is refused; create one and give it to the identity provider' : 'no client secret yet: create one and give it to the identity provider';
  } else if (expiring.length) {
    health = 'expiring';
    const first = expiring[0];
    const successor = active.find((s) => s.state === 'active' && (s.expiresAt === null || s.expiresAt > first.expiresAt!));
    summary =
      `client secret ${nameOf(first)} expires in ${first.daysLeft ? plural(first.daysLeft, 'day') : 'less than a day'} (${first.expiresAt})` +
      (successor
        ? successor.firstUsedAt
          ? `; its successor ${nameOf(successor)} is in use, so revoke the old one`
          : `; its successor ${nameOf(successor)} has not been used yet: put it into the identity provider`
        : '; create its successor and give it to the identity provider');
  } else if (c.firstRequestAt && idleFor !== null && idleFor >= options.idleHours * HOUR_MS) {
    health = 'idle';
    summary = `no requests for ${plural(Math.floor(idleFor / HOUR_MS), 'hour')}; the last came from ${c.lastClientIp ?? 'an unknown address'} at ${c.lastRequestAt}`;
  } else if (!c.firstRequestAt) {
    health = 'not_connected';
    summary = 'no request yet: give the identity provider the tenant URL and a client secret';
  } else {
    health = 'healthy';
    summary = `last request at ${c.lastRequestAt} from ${c.lastClientIp ?? 'an unknown address'}` + (expiries.length ? `; next expiry ${expiries[0]}` : '; no secret expires');
  }

  return {
    id: directory.id,
    name: directory.name,
    health,
    summary,
    attention: health === 'rejecting' || health === 'expiring' || (health === 'no_active_secret' && c.firstRequestAt !== null),
    connected: c.firstRequestAt !== null,
    ...recordedFigures(c),
    nextExpiry: expiries[0] ?? null,
    secrets: views,
  };
}

/** Worst first; among equals, the soonest expiry, then by name. */
export function compareStatus(a: DirectoryStatus, b: DirectoryStatus): number {
  const rank = HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health);
  if (rank) return rank;
  if (a.nextExpiry !== b.nextExpiry) return a.nextExpiry === null ? 1 : b.nextExpiry === null ? -1 : a.nextExpiry < b.nextExpiry ? -1 : 1;
  return a.name.localeCompare(b.name);
}

/**
 * A rejection counts until an active secret carries accepted traffic after it: then the identity
 * provider has moved on (the last call with a just-revoked secret is the normal end of a rotation).
 * Otherwise it counts while recent (inside the idle period) or while it is the last thing the
 * client did: a client that gave up after its secret expired is still broken, however long ago.
 */
function rejectionNow(c: ConnectionStatus, active: SecretView[], now: Date, idleHours: number): boolean {
  if (!c.lastRejectedAt) return false;
  const rejectedAt = c.lastRejectedAt;
  if (active.some((s) => s.lastUsedAt !== null && s.lastUsedAt > rejectedAt)) return false;
  if (!c.lastRequestAt || rejectedAt > c.lastRequestAt) return true;
  return now.getTime() - Date.parse(rejectedAt) < idleHours * HOUR_MS;
}

function rejectedBecause(c: ConnectionStatus, secret: SecretView | undefined, now: Date): string {
  if (c.lastRejectedReason === 'revoked') return secret?.revokedAt ? `was revoked at ${secret.revokedAt}` : 'was revoked';
  if (secret?.expiresAt) {
    const days = Math.floor((now.getTime() - Date.parse(secret.expiresAt)) / DAY_MS);
    return days >= 1 ? `expired ${plural(days, 'day')} ago (${secret.expiresAt})` : `expired at ${secret.expiresAt}`;
  }
  return 'has expired';
}

function nameOf(secret: SecretView): string {
  return `"${secret.name}" (…${secret.suffix})`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * The first request is written at once, the counters and the last request every few seconds:
 * until they catch up, the first request stands in for them (no "last request at null" beside
 * "connected", no "0 requests").
 */
function withFirstRequest(c: ConnectionStatus): ConnectionStatus {
  if (!c.firstRequestAt) return c;
  return { ...c, lastRequestAt: c.lastRequestAt ?? c.firstRequestAt, requestCount: Math.max(c.requestCount, 1) };
}

/** The connection's recorded figures, without the directory id the status names as `id`. */
function recordedFigures({ directoryId: _directoryId, ...figures }: ConnectionStatus): Omit<ConnectionStatus, 'directoryId'> {
  return figures;
}

function emptyConnection(directoryId: string): ConnectionStatus {
  return {
    directoryId,
    firstRequestAt: null,
    lastRequestAt: null,
    lastClientIp: null,
    lastUserAgent: null,
    requestCount: 0,
    errorCount: 0,
    rejectedCount: 0,
    lastRejectedAt: null,
    lastRejectedSecretId: null,
    lastRejectedReason: null,
  };
}
