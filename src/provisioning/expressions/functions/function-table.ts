import { closestName } from '../closest-name.js';
import { dateFunctions } from './date-functions.js';
import { flowFunctions } from './flow-functions.js';
import type { FunctionDef } from './function-def.js';
import { listFunctions } from './list-functions.js';
import { logicFunctions } from './logic-functions.js';
import { numberFunctions } from './number-functions.js';
import { randomFunctions } from './random-functions.js';
import { replaceFunction } from './replace-function.js';
import { textFunctions } from './text-functions.js';

/** Every function the expression language knows, by its exact (case-sensitive) name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  [...textFunctions, ...logicFunctions, ...listFunctions, ...dateFunctions, ...numberFunctions, ...randomFunctions, ...flowFunctions, replaceFunction].map((f) => [f.name, f]),
);

/** The function a misspelt name probably meant: the same name in another case, else the closest. */
export function suggestFunction(name: string): string | undefined {
  return closestName(name, FUNCTIONS.keys());
}
