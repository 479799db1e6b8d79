import { foldCase } from '../compare.js';
import { invalidFilter } from '../errors.js';
import type { JsonValue } from '../json.js';
import type { AttributeTraits } from '../schema/resolve.js';
import type { CompareOp, Literal } from './ast.js';

const ORDERING: ReadonlySet<CompareOp> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING: ReadonlySet<CompareOp> = new Set(['co', 'sw', 'ew']);

/**
 * The value a comparison is made against, checked and converted for the attribute's type:
 * booleans only take eq/ne, numbers take no substring operators, dateTimes must parse.
 * The SQL compilers and the in-memory evaluator share it so both agree.
 */
export type Operand =
  | { type: 'string'; value: string; caseExact: boolean }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'dateTime'; value: string; time: number };

export function operandFor(op: CompareOp, value: Literal, traits: AttributeTraits, label: string): Operand {
  if (value === null) throw invalidFilter(`"${op} null" is not supported for ${label}; use "pr" or "not (… pr)"`);
  switch (traits.type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') throw invalidFilter(`${label} is a boolean and only supports eq and ne`);
      const bool = typeof value === 'boolean' ? value : /^(true|false)$/i.test(String(value)) ? String(value).toLowerCase() === 'true' : undefined;
      if (bool === undefined) throw invalidFilter(`${label} is a boolean; compare it with true or false`);
      return { type: 'boolean', value: bool };
    }
    case 'integer':
    case 'decimal': {
      if (SUBSTRING.has(op)) throw invalidFilter(`${label} is a number and does not support ${op}`);
      const num = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(num)) throw invalidFilter(`${label} is a number; compare it with a number`);
      return { type: 'number', value: num };
    }
    case 'dateTime': {
      if (SUBSTRING.has(op)) return { type: 'string', value: String(value), caseExact: true };
      const time = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(time)) throw invalidFilter(`${label} is a dateTime; ${JSON.stringify(value)} is not one`);
      return { type: 'dateTime', value: new Date(time).toISOString(), time };
    }
    case 'binary':
    case 'reference':
      return { type: 'string', value: String(value), caseExact: true };
    case 'complex':
      throw invalidFilter(`${label} is complex; compare one of its sub-attributes`);
    default:
      if (ORDERING.has(op) && typeof value === 'boolean') throw invalidFilter(`${label} cannot be ordered against a boolean`);
      if (traits.open && typeof value === 'boolean') return { type: 'boolean', value };
      if (traits.open && typeof value === 'number' && !SUBSTRING.has(op)) return { type: 'number', value };
      return { type: 'string', value: String(value), caseExact: traits.caseExact };
  }
}

/** Whether a stored value satisfies `op operand` (eq, co, sw, ew, gt, ge, lt, le; ne is negated eq). */
export function satisfies(actual: JsonValue, op: Exclude<CompareOp, 'ne'>, operand: Operand): boolean {
  switch (operand.type) {
    case 'boolean':
      return actual === operand.value;
    case 'number':
      return typeof actual === 'number' && order(actual, operand.value, op);
    case 'dateTime': {
      const time = typeof actual === 'string' ? Date.parse(actual) : NaN;
      return !Number.isNaN(time) && order(time, operand.time, op);
    }
    case 'string': {
      if (typeof actual !== 'string') return false;
      const a = operand.caseExact ? actual : foldCase(actual);
      const b = operand.caseExact ? operand.value : foldCase(operand.value);
      switch (op) {
        case 'co':
          return a.includes(b);
        case 'sw':
          return a.startsWith(b);
        case 'ew':
          return a.endsWith(b);
        default:
          return order(a, b, op);
      }
    }
  }
}

function order<T extends number | string>(a: T, b: T, op: CompareOp): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}
