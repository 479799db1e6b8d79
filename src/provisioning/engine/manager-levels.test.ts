import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanStep } from '../planner/plan.js';
import { managerLevels } from './execute-plan.js';

const create = (key: string, managerKey?: string) => ({ action: 'create', type: 'User', key, attributes: {}, ...(managerKey ? { managerKey } : {}) }) as Extract<PlanStep, { action: 'create' }>;
const keys = (levels: PlanStep[][]) => levels.map((level) => level.map((s) => s.key));

describe('creating managers before their reports', () => {
  it('puts each new user one level below its new manager', () => {
    assert.deepEqual(keys(managerLevels([create('c', 'b'), create('a'), create('b', 'a'), create('d', 'a'), create('e', 'existing')])), [['a', 'e'], ['b', 'd'], ['c']]);
  });

  it('breaks a manager cycle instead of looping', () => {
    const steps = [create('a', 'b'), create('b', 'a'), create('self', 'self')];
    const levels = managerLevels(steps);
    // The cycle a → b → a is cut where it closes: b goes first (its manager a is set once a exists),
    // then a, under b. A user who is their own manager has no one to wait for.
    assert.deepEqual(keys(levels), [['b', 'self'], ['a']]);
    // Each step appears once, as itself, and every manager edge left standing points to an earlier level.
    assert.deepEqual(levels.flat().sort((x, y) => x.key.localeCompare(y.key)), [...steps].sort((x, y) => x.key.localeCompare(y.key)));
    const levelOf = new Map(levels.flatMap((level, i) => level.map((step) => [step.key, i] as const)));
    assert.equal(levelOf.get('b')! < levelOf.get('a')!, true, "a waits for b, its manager");
  });
});
