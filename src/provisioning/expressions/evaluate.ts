import type { CompareOperator, Expr } from './ast.js';
import { ExpressionError } from './expression-error.js';
import { FUNCTIONS } from './functions/function-table.js';
import { isNullOrEmpty } from './functions/logic-functions.js';
import { fromBoolean, single, type ExprValue } from './values.js';

/** Returned by `IgnoreFlowIfNullOrEmpty(…)` when its value is empty: leave the attribute alone. */
export const IGNORE_FLOW: unique symbol = Symbol('IgnoreFlow');
export type ExprResult = ExprValue | typeof IGNORE_FLOW;

/** Where an expression reads attributes and the time from. */
export interface EvalContext {
  attribute(name: string): ExprValue;
  now(): Date;
}

/** Evaluates a parsed expression; failures are ExpressionErrors at the failing call. */
export function evaluateExpression(expr: Expr, context: EvalContext, text: string): ExprResult {
  if (expr.kind === 'call' && expr.name === 'IgnoreFlowIfNullOrEmpty') {
    const value = evaluate(expr.args[0]!, context, text);
    return isNullOrEmpty(value) ? IGNORE_FLOW : value;
  }
  return evaluate(expr, context, text);
}

function evaluate(expr: Expr, context: EvalContext, text: string): ExprValue {
  switch (expr.kind) {
    case 'string':
      return expr.value;
    case 'number':
      return String(expr.value);
    case 'name':
      return expr.name;
    case 'attribute':
      return context.attribute(expr.name);
    case 'compare':
      return fromBoolean(compare(expr.op, single(evaluate(expr.left, context, text)), single(evaluate(expr.right, context, text))));
    case 'call': {
      const def = FUNCTIONS.get(expr.name)!;
      // Optional arguments left off the end read as omitted, like empty ones in the middle.
      const written = Number.isFinite(def.max) ? [...expr.args, ...Array<undefined>(def.max - expr.args.length).fill(undefined)] : expr.args;
      const args = written.map((arg) => (arg === undefined ? null : evaluate(arg, context, text)));
      try {
        return def.call(args, context, written.map((arg) => arg !== undefined));
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
