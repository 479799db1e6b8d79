import type { Expr } from './ast.js';
import { evaluateExpression, type EvalContext, type ExprResult } from './evaluate.js';
import { parseExpression } from './parser.js';

/** A source attribute an expression reads, where its name starts in the text (0-based). */
export interface AttributeReference {
  name: string;
  at: number;
}

/** A parsed expression ready to run against many objects. */
export interface CompiledExpression {
  text: string;
  /** Source attributes it reads, in order of first use. */
  attributes: string[];
  /** Every attribute reference, in the order of the text, for checking names against the source. */
  references: AttributeReference[];
  /** Whether it calls Redact, so logs show `[Redact]` instead of its value. */
  redacted: boolean;
  /** Whether it is a SelectUniqueValue, whose value the target decides. */
  selectsUniqueValue: boolean;
  evaluate(context: EvalContext): ExprResult;
}

/** Parses once (throwing an ExpressionError that points at the character) and returns a runner. */
export function compileExpression(text: string): CompiledExpression {
  const ast = parseExpression(text);
  const references: AttributeReference[] = [];
  let redacted = false;
  const visit = (expr: Expr | undefined): void => {
    if (!expr) return;
    // The offset of the name itself, after "[" and any spaces before it.
    if (expr.kind === 'attribute') references.push({ name: expr.name, at: text.indexOf(expr.name, expr.at) });
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
  return {
    text,
    attributes: [...new Set(references.map((r) => r.name))],
    references,
    redacted,
    selectsUniqueValue: ast.kind === 'call' && ast.name === 'SelectUniqueValue',
    evaluate: (context) => evaluateExpression(ast, context, text),
  };
}
