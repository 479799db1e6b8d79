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
    const levels = keys(managerLevels([create('a', 'b'), create('b', 'a'), create('self', 'self')]));
    assert.deepEqual(levels.flat().sort(), ['a', 'b', 'self']);
  });
});
