import type { ExprValue } from '../values.js';

/** What a function may read besides its arguments. */
export interface FunctionContext {
  now(): Date;
}

/** One function of the expression language: its arity, checked when parsing, and its body. */
export interface FunctionDef {
  name: string;
  min: number;
  max: number;
  /** Switch takes an even number of arguments. */
  even?: boolean;
  /**
   * Called with the evaluated arguments; an omitted optional argument is null, and `given`
   * says which arguments were written at all (Replace tells its modes apart by it).
   */
  call(args: ExprValue[], context: FunctionContext, given: boolean[]): ExprValue;
}

/** An argument that must be a whole number, 1-based positions and counts included. */
export function integerArgument(value: ExprValue, fn: string, name: string): number {
  const text = Array.isArray(value) ? value[0] : value;
  const number = text === null || text === undefined ? NaN : Number(text);
  if (!Number.isInteger(number)) throw new Error(`${fn}: ${name} must be a whole number, not ${JSON.stringify(text ?? null)}`);
  return number;
}
