import type { ExprValue } from './values.js';

/** Returned by `IgnoreFlowIfNullOrEmpty(…)` when its value is empty: leave the attribute alone. */
export const IGNORE_FLOW: unique symbol = Symbol('IgnoreFlow');

/**
 * Returned by `SelectUniqueValue(…)`: the values its rules gave, in order. Which one flows is
 * decided against the target, which is asked for each in turn whether it already holds it.
 */
export interface UniqueCandidates {
  kind: 'select-unique';
  candidates: string[];
}

/** What a whole expression gives: a value, or an instruction about the attribute's flow. */
export type ExprResult = ExprValue | typeof IGNORE_FLOW | UniqueCandidates;

export function isUniqueCandidates(result: ExprResult): result is UniqueCandidates {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && result.kind === 'select-unique';
}
