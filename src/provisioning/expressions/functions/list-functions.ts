import { all, type ExprValue } from '../values.js';
import { integerArgument, type FunctionDef } from './function-def.js';

export const listFunctions: FunctionDef[] = [
  { name: 'Count', min: 1, max: 1, call: ([value]) => String(all(value).length) },
  {
    name: 'Item',
    min: 2,
    max: 2,
    call: ([value, index]) => {
      const i = integerArgument(index, 'Item', 'index');
      if (i < 1) throw new Error(`Item: index counts from 1, not ${i}`);
      return all(value)[i - 1] ?? null;
    },
  },
  {
    name: 'RemoveDuplicates',
    min: 1,
    max: 1,
    call: ([value]: ExprValue[]) => (value === null ? null : [...new Set(all(value))]),
  },
];
