import { all, fromBoolean, parseBoolean, single, TRUE, type ExprValue } from '../values.js';
import type { FunctionDef } from './function-def.js';

const isNull = (value: ExprValue) => value === null || (Array.isArray(value) && value.length === 0);
const isNullOrEmpty = (value: ExprValue) => isNull(value) || all(value).every((v) => v === '');

/** CBool: "True"/"False" as written, otherwise a number that is not zero. */
function toBoolean(value: ExprValue): boolean {
  const text = single(value);
  if (text === null || text.trim() === '') return false;
  const bool = parseBoolean(text);
  if (bool !== undefined) return bool;
  const number = Number(text);
  if (Number.isNaN(number)) throw new Error(`CBool: ${JSON.stringify(text)} is neither True/False nor a number`);
  return number !== 0;
}

export const logicFunctions: FunctionDef[] = [
  { name: 'CBool', min: 1, max: 1, call: ([value]) => fromBoolean(toBoolean(value)) },
  { name: 'CStr', min: 1, max: 1, call: ([value]) => single(value) },
  {
    name: 'Coalesce',
    min: 1,
    max: Infinity,
    call: (values) => values.find((v) => !isNull(v)) ?? null,
  },
  {
    name: 'IIF',
    min: 3,
    max: 3,
    call: ([condition, ifTrue, ifFalse]) => (toBoolean(condition) ? ifTrue : ifFalse),
  },
  { name: 'IsNull', min: 1, max: 1, call: ([value]) => fromBoolean(isNull(value)) },
  { name: 'IsNullOrEmpty', min: 1, max: 1, call: ([value]) => fromBoolean(isNullOrEmpty(value)) },
  { name: 'IsPresent', min: 1, max: 1, call: ([value]) => fromBoolean(!isNullOrEmpty(value)) },
  { name: 'IsString', min: 1, max: 1, call: ([value]) => fromBoolean(typeof value === 'string') },
  {
    name: 'Not',
    min: 1,
    max: 1,
    // Entra: True gives False, anything else gives True.
    call: ([value]) => fromBoolean(parseBoolean(single(value)) !== true),
  },
  {
    name: 'Switch',
    min: 4,
    max: Infinity,
    even: true,
    // Case-sensitive; an absent source matches the key "" (Entra's advice for empty values).
    call: ([source, fallback, ...pairs]) => {
      const text = single(source) ?? '';
      for (let i = 0; i + 1 < pairs.length; i += 2) {
        if (single(pairs[i]) === text) return pairs[i + 1];
      }
      return fallback;
    },
  },
];

export { isNullOrEmpty, TRUE };
