import type { CompareOperator, Expr } from './ast.js';
import { ExpressionError } from './expression-error.js';
import type { ExprResult } from './flow-result.js';
import type { FunctionContext } from './functions/function-def.js';
import { FUNCTIONS } from './functions/function-table.js';
import { CRYPTO_RANDOM, type RandomSource } from './random-source.js';
import { fromBoolean, single, type ExprValue } from './values.js';

export { IGNORE_FLOW, type ExprResult } from './flow-result.js';

/** Where an expression reads attributes, the time and randomness from. */
export interface EvalContext {
  attribute(name: string): ExprValue;
  now(): Date;
  /** Defaults to the operating system's cryptographic generator. */
  random?: RandomSource;
}

/**
 * Evaluates a parsed expression; failures are ExpressionErrors at the failing call. An outermost
 * function that steers the flow (IgnoreFlowIfNullOrEmpty, SelectUniqueValue) gives its instruction.
 */
export function evaluateExpression(expr: Expr, context: EvalContext, text: string): ExprResult {
  const functions: FunctionContext = { now: context.now, random: context.random ?? CRYPTO_RANDOM };
  const flow = expr.kind === 'call' ? FUNCTIONS.get(expr.name)!.flow : undefined;
  if (expr.kind === 'call' && flow) {
    return flow(expr.args.map((arg) => (arg === undefined ? null : evaluate(arg, context, functions, text))));
  }
  return evaluate(expr, context, functions, text);
}

function evaluate(expr: Expr, context: EvalContext, functions: FunctionContext, text: string): ExprValue {
  switch (expr.kind) {
    case 'string':
      return expr.value;
    case 'number':
      return expr.value;
    case 'name':
      return expr.name;
    case 'attribute':
      return context.attribute(expr.name);
    case 'compare':
      return fromBoolean(compare(expr.op, single(evaluate(expr.left, context, functions, text)), single(evaluate(expr.right, context, functions, text))));
    case 'call': {
      const def = FUNCTIONS.get(expr.name)!;
      // Optional arguments left off the end read as omitted, like empty ones in the middle.
      const written = Number.isFinite(def.max) ? [...expr.args, ...Array<undefined>(def.max - expr.args.length).fill(undefined)] : expr.args;
      const args = written.map((arg) => (arg === undefined ? null : evaluate(arg, context, functions, text)));
      try {
        return def.call(args, functions, written.map((arg) => arg !== undefined));
      } catch (error) {
        if (error instanceof ExpressionError) throw error;
        throw new ExpressionError((error as Error).message, expr.at, text);
      }
    }
  }
}

/**
 * Comparisons in IIF conditions: numbers compare as numbers, everything else as text. Unlike
 * Entra, an absent value compares as "" instead of failing the condition.
 */
function compare(op: CompareOperator, left: string | null, right: string | null): boolean {
  const a = left ?? '';
  const b = right ?? '';
  const numeric = a.trim() !== '' && b.trim() !== '' && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b));
  const order = numeric ? Math.sign(Number(a) - Number(b)) : a < b ? -1 : a > b ? 1 : 0;
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}
