import { HEALTH_LABELS } from '../format';
import type { Health } from '../types';

/**
 * Health as a word and a shape, never by colour alone. A directory that was never connected and
 * has no secret yet is new, not broken: it gets the neutral look of "Not connected".
 */
export function HealthBadge({ health, connected = true }: { health: Health; connected?: boolean }) {
  const fresh = health === 'no_active_secret' && !connected;
  const icon = health === 'healthy' ? '●' : (health === 'rejecting' || health === 'no_active_secret') && !fresh ? '▲' : '◆';
  return (
    <span class={`badge health-${fresh ? 'not_connected' : health}`} data-testid="health-badge">
      <span aria-hidden="true">{icon} </span>
      {fresh ? 'No secret yet' : (HEALTH_LABELS[health] ?? health)}
    </span>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state}`}>{state}</span>;
}
