import { dateFunctions } from './date-functions.js';
import type { FunctionDef } from './function-def.js';
import { listFunctions } from './list-functions.js';
import { logicFunctions } from './logic-functions.js';
import { replaceFunction } from './replace-function.js';
import { textFunctions } from './text-functions.js';

/** Every function the expression language knows, by its exact (case-sensitive) name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  [...textFunctions, ...logicFunctions, ...listFunctions, ...dateFunctions, replaceFunction].map((f) => [f.name, f]),
);

/** The function a misspelt name probably meant, compared case-insensitively. */
export function suggestFunction(name: string): string | undefined {
  const lower = name.toLowerCase();
  return [...FUNCTIONS.keys()].find((known) => known.toLowerCase() === lower);
}
