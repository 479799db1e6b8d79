import type { Expr } from './ast.js';
import { evaluateExpression, type EvalContext, type ExprResult } from './evaluate.js';
import { parseExpression } from './parser.js';

/** A parsed expression ready to run against many objects. */
export interface CompiledExpression {
  text: string;
  /** Source attributes it reads, in order of first use. */
  attributes: string[];
  /** Whether it calls Redact, so logs show `[Redact]` instead of its value. */
  redacted: boolean;
  evaluate(context: EvalContext): ExprResult;
}

/** Parses once (throwing an ExpressionError that points at the character) and returns a runner. */
export function compileExpression(text: string): CompiledExpression {
  const ast = parseExpression(text);
  const attributes: string[] = [];
  let redacted = false;
  const visit = (expr: Expr | undefined): void => {
    if (!expr) return;
    if (expr.kind === 'attribute' && !attributes.includes(expr.name)) attributes.push(expr.name);
    if (expr.kind === 'call') {
      if (expr.name === 'Redact') redacted = true;
      expr.args.forEach(visit);
    }
    if (expr.kind === 'compare') {
      visit(expr.left);
      visit(expr.right);
    }
  };
  visit(ast);
  return { text, attributes, redacted, evaluate: (context) => evaluateExpression(ast, context, text) };
}
