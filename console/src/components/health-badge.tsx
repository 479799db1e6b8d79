import { HEALTH_LABELS } from '../format';
import type { Health } from '../types';

/** Health as a word and a shape, never by colour alone. */
export function HealthBadge({ health }: { health: Health }) {
  const icon = health === 'healthy' ? '●' : health === 'rejecting' || health === 'no_active_secret' ? '▲' : '◆';
  return (
    <span class={`badge health-${health}`}>
      <span aria-hidden="true">{icon} </span>
      {HEALTH_LABELS[health] ?? health}
    </span>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state}`}>{state}</span>;
}
