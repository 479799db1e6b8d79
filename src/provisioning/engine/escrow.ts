import { stateKey } from '../planner/build-plan.js';
import type { ObjectState } from '../planner/object-state.js';
import type { Plan, PlanStep } from '../planner/plan.js';

/**
 * Escrow: an object whose last attempts failed waits before the scheduler tries it again,
 * sooner than Entra's 6 h / 12 h / 24 h and then daily, so one broken object neither hammers
 * the target every cycle nor waits hours after a passing glitch.
 */
const DELAYS_MS = [5 * 60_000, 15 * 60_000, 60 * 60_000, 6 * 3_600_000];
const DAILY_MS = 24 * 3_600_000;

/** How long an object waits after its `failures`-th consecutive failure. */
export function escrowDelayMs(failures: number): number {
  return DELAYS_MS[failures - 1] ?? DAILY_MS;
}

export function retryTime(failures: number, now: Date): string {
  return new Date(now.getTime() + escrowDelayMs(Math.max(1, failures))).toISOString();
}

export function inEscrow(state: ObjectState | undefined, now: Date): boolean {
  return Boolean(state && state.failures > 0 && state.retryAt && state.retryAt > now.toISOString());
}

/**
 * Takes the steps of objects still in escrow out of the plan (scheduled cycles honour escrow;
 * a cycle an admin asks for retries everything). Returns the steps held back.
 */
export function holdEscrowed(plan: Plan, states: Map<string, ObjectState>, now: Date): PlanStep[] {
  const held: PlanStep[] = [];
  plan.steps = plan.steps.filter((step) => {
    const waiting = inEscrow(states.get(stateKey(step.type, step.key)), now);
    if (waiting) held.push(step);
    return !waiting;
  });
  return held;
}
