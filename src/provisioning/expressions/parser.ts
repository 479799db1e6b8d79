import type { CompareOperator, Expr } from './ast.js';
import { ExpressionError } from './expression-error.js';
import { FUNCTIONS, suggestFunction } from './functions/function-table.js';
import { tokenize, type Token } from './lexer.js';

/** Bare words some functions take as options (InStr's compare type). */
const OPTION_NAMES = new Set(['vbTextCompare', 'vbBinaryCompare']);

/**
 * Parses an expression in Entra's syntax and checks what can be checked without data: that
 * every function exists and gets a number of arguments it accepts. Errors say at which
 * character the problem is.
 */
export function parseExpression(text: string): Expr {
  if (text.trim() === '') throw new ExpressionError('The expression is empty', 0, text);
  return new Parser(tokenize(text), text).parse();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): Expr {
    const expr = this.comparison(true);
    const extra = this.peek();
    if (extra.type !== 'end') {
      throw this.error(extra.type === 'operator' ? 'Only one comparison is allowed here; nest IIF for more' : `Unexpected ${describe(extra)}; an expression is one value or one function call`, extra);
    }
    return expr;
  }

  private comparison(topLevel: boolean): Expr {
    const left = this.operand(topLevel);
    const next = this.peek();
    if (next.type !== 'operator') return left;
    this.pos++;
    const right = this.operand(false);
    return { kind: 'compare', op: next.value as CompareOperator, left, right, at: left.at };
  }

  private operand(topLevel: boolean): Expr {
    const token = this.next();
    switch (token.type) {
      case 'string':
        return { kind: 'string', value: token.value, at: token.at };
      case 'number':
        return { kind: 'number', value: token.value, at: token.at };
      case 'attribute':
        return { kind: 'attribute', name: token.value, at: token.at };
      case 'word':
        if (this.peek().type === '(') return this.call(token, topLevel);
        if (OPTION_NAMES.has(token.value)) return { kind: 'name', name: token.value, at: token.at };
        throw this.error(`Unknown name ${JSON.stringify(token.value)}; write attributes in square brackets, like [${token.value}], and text in double quotes`, token);
      case 'end':
        throw this.error('The expression ends too early; a value is missing', token);
      default:
        throw this.error(`Expected a value, an [attribute] or a function but found ${describe(token)}`, token);
    }
  }

  private call(nameToken: Extract<Token, { type: 'word' }>, topLevel: boolean): Expr {
    const name = nameToken.value;
    const def = FUNCTIONS.get(name);
    if (!def) {
      const suggestion = suggestFunction(name);
      const hint = suggestion === undefined ? '' : suggestion.toLowerCase() === name.toLowerCase() ? `; function names are case-sensitive: did you mean ${suggestion}?` : `; did you mean ${suggestion}?`;
      throw this.error(`Unknown function ${name}${hint}`, nameToken);
    }
    if (def.flow && !topLevel) {
      throw this.error(`${name} must be the outermost function of the expression`, nameToken);
    }
    this.pos++; // (
    const args: (Expr | undefined)[] = [];
    if (this.peek().type === ')') {
      this.pos++;
    } else {
      for (;;) {
        const token = this.peek();
        if (token.type === ',' || token.type === ')') {
          if (args.length === 0 && token.type === ',') throw this.error(`The first argument of ${name} is missing`, token);
          args.push(undefined);
        } else {
          args.push(this.comparison(false));
        }
        const separator = this.next();
        if (separator.type === ')') break;
        if (separator.type !== ',') throw this.error(`Expected "," or ")" in the arguments of ${name} but found ${describe(separator)}`, separator);
      }
    }
    if (args.length < def.min || args.length > def.max || (def.even && args.length % 2 !== 0)) {
      const wanted = def.min === def.max ? `${def.min}` : def.max === Infinity ? `at least ${def.min}` : `${def.min} to ${def.max}`;
      throw this.error(`${name} takes ${wanted}${def.even ? ' (an even number of)' : ''} arguments, not ${args.length}`, nameToken);
    }
    return { kind: 'call', name, args, at: nameToken.at };
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (token.type !== 'end') this.pos++;
    return token;
  }

  private error(reason: string, token: Token): ExpressionError {
    return new ExpressionError(reason, token.at, this.text);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the text ${JSON.stringify(token.value)}`;
    case 'number':
      return `the number ${token.value}`;
    case 'attribute':
      return `the attribute [${token.value}]`;
    case 'word':
    case 'operator':
      return `"${token.value}"`;
    default:
      return `"${token.type}"`;
  }
}
