import { bigIntegerArgument, type FunctionDef } from './function-def.js';

/** Functions on whole numbers, computed exactly at any size (AD flags, file times). */
export const numberFunctions: FunctionDef[] = [
  {
    name: 'BitAnd',
    min: 2,
    max: 2,
    // BitAnd(&HF, &HF7) is 7; BitAnd([userAccountControl], 2) tests AD's ACCOUNTDISABLE flag.
    // An absent value stays absent rather than failing the object.
    call: ([a, b]) => (a === null || b === null ? null : (bigIntegerArgument(a, 'BitAnd', 'value1') & bigIntegerArgument(b, 'BitAnd', 'value2')).toString()),
  },
];
