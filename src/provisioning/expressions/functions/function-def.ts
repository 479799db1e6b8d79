import type { ExprResult } from '../flow-result.js';
import type { RandomSource } from '../random-source.js';
import type { ExprValue } from '../values.js';

/** What a function may read besides its arguments: the clock and randomness, both injectable. */
export interface FunctionContext {
  now(): Date;
  random: RandomSource;
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
  /**
   * Functions that steer the attribute's flow instead of computing a value (IgnoreFlowIfNullOrEmpty,
   * SelectUniqueValue) must be the whole expression; `flow` gives their result from the arguments.
   */
  flow?(args: ExprValue[]): ExprResult;
}

/** An argument that must be a whole number, 1-based positions and counts included. */
export function integerArgument(value: ExprValue, fn: string, name: string): number {
  const text = Array.isArray(value) ? value[0] : value;
  const number = text === null || text === undefined ? NaN : Number(text);
  if (!Number.isInteger(number)) throw new Error(`${fn}: ${name} must be a whole number, not ${JSON.stringify(text ?? null)}`);
  return number;
}

/** An argument that must be a whole number of any size (AD file times, bit masks), as a BigInt. */
export function bigIntegerArgument(value: ExprValue, fn: string, name: string): bigint {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === null || !/^-?\d+$/.test(text)) throw new Error(`${fn}: ${name} must be a whole number, not ${JSON.stringify(text ?? null)}`);
  return BigInt(text);
}
