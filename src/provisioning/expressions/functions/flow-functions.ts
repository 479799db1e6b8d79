import { IGNORE_FLOW } from '../flow-result.js';
import { single } from '../values.js';
import type { FunctionDef } from './function-def.js';
import { isNullOrEmpty } from './logic-functions.js';

/**
 * Functions about how a value flows rather than what it is: whether it flows at all, which of
 * several candidates the target does not hold yet, and whether logs may show it.
 */
export const flowFunctions: FunctionDef[] = [
  {
    name: 'IgnoreFlowIfNullOrEmpty',
    min: 1,
    max: 1,
    call: ([value]) => value,
    flow: ([value]) => (isNullOrEmpty(value) ? IGNORE_FLOW : value),
  },
  {
    name: 'SelectUniqueValue',
    min: 2,
    max: Infinity,
    call: () => {
      throw new Error('SelectUniqueValue must be the outermost function of the expression');
    },
    // Rules that give no value are skipped; the engine asks the target about the rest, in order.
    flow: (rules) => ({
      kind: 'select-unique',
      candidates: [...new Set(rules.map(single).filter((v): v is string => v !== null && v !== ''))],
    }),
  },
  {
    name: 'Redact',
    min: 1,
    max: 1,
    // The value flows unchanged; the mapping that uses Redact is shown as [Redact] in logs.
    call: ([value]) => value,
  },
];

