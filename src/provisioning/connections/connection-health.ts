import type { ConnectionSummary } from './connection-client.js';
import { CONNECTION_HEALTH, type ConnectionHealth, type ConnectionHealthState } from '../../admin/api-views.js';
import { QUARANTINE_GIVE_UP_MS } from '../scheduler/schedule.js';

export { CONNECTION_HEALTH } from '../../admin/api-views.js';
export type { ConnectionHealth, ConnectionHealthState } from '../../admin/api-views.js';

const DAY_MS = 86_400_000;

/**
 * The health of a provisioning connection for `scimd status` and GET /status: quarantined, its
 * target credential expired or expiring within `warningDays`, its last cycle failed or stopped,
 * never run, or healthy. Everything but `never_run` and `healthy` needs an admin.
 */
export function connectionHealth(c: ConnectionSummary, now: Date, warningDays: number): ConnectionHealth {
  const expiresAt = c.credential.expiresAt;
  const daysLeft = expiresAt ? Math.floor((Date.parse(expiresAt) - now.getTime()) / DAY_MS) : null;
  const last = c.lastCycle && !c.lastCycle.dryRun ? c.lastCycle : null;
  const [health, summary] = ((): [ConnectionHealthState, string] => {
    if (c.quarantine) {
      const gaveUp = now.getTime() - Date.parse(c.quarantine.since) > QUARANTINE_GIVE_UP_MS ? '; scheduled cycles stopped after 28 days in quarantine' : '';
      return ['quarantined', `quarantined since ${c.quarantine.since} (${c.quarantine.detail})${gaveUp}; fix it, then "scimd connection test ${c.name}" or clear-quarantine`];
    }
    if (daysLeft !== null && daysLeft < 0) return ['credential_expired', `the target secret expired on ${expiresAt!.slice(0, 10)}: "scimd connection set-secret ${c.name}"`];
    if (last && (last.status === 'failed' || last.status === 'stopped')) return ['failing', `the last cycle ${last.status}${last.message ? `: ${last.message}` : ''}`];
    // Objects that fail are the admin's to fix (a refused value, a conflict): a cycle that completes around them is not health.
    const failed = last?.status === 'completed' ? (last.summary?.failed ?? 0) : 0;
    if (failed > 0) return ['failing', `${failed} object${failed === 1 ? '' : 's'} failed in the last cycle: "scimd sync log ${c.name} --failed" says why; they are retried from escrow`];
    if (c.escrowNextRetry) return ['failing', `objects that failed wait in escrow (next retry ${c.escrowNextRetry}): "scimd sync log ${c.name} --failed" says why`];
    if (daysLeft !== null && daysLeft < warningDays) {
      const rotates = c.credentialState?.expirySource === 'target' ? '; scimd rotates it itself before then' : `: "scimd connection set-secret ${c.name}"`;
      return ['credential_expiring', `the target secret expires in ${daysLeft} days (${expiresAt!.slice(0, 10)})${rotates}`];
    }
    if (!last) return ['never_run', 'no cycle has run yet'];
    return ['healthy', `last cycle ${last.status} ${last.finishedAt ?? last.startedAt}`];
  })();
  // A credential scimd renews by itself does not need an admin until renewing it failed.
  const selfRenewing = health === 'credential_expiring' && c.credentialState?.expirySource === 'target' && !c.credentialState.rotationError;
  return {
    id: c.id,
    name: c.name,
    target: c.target,
    health,
    summary,
    attention: !['never_run', 'healthy'].includes(health) && !selfRenewing,
    quarantine: c.quarantine,
    credentialExpiresAt: expiresAt,
    credentialDaysLeft: daysLeft,
    lastCycle: last ? { id: last.id, status: last.status, startedAt: last.startedAt, finishedAt: last.finishedAt, message: last.message } : null,
  };
}

/** Every connection's health, worst first, then by name. */
export function connectionsHealth(connections: ConnectionSummary[], now: Date, warningDays: number): ConnectionHealth[] {
  return connections
    .map((c) => connectionHealth(c, now, warningDays))
    .sort((a, b) => CONNECTION_HEALTH.indexOf(a.health) - CONNECTION_HEALTH.indexOf(b.health) || a.name.localeCompare(b.name));
}
