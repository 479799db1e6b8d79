import { invalidFilter } from '../errors.js';
import { parseAttrPath, type AttrPath } from '../path/attr-path.js';
import { COMPARE_OPS, type CompareOp, type Filter, type Literal } from './ast.js';
import { tokenize, type Token } from './lexer.js';

export interface FilterLimits {
  /** Longest filter text accepted, in characters. */
  maxLength: number;
  /** Deepest nesting of parentheses, `not` and value paths. */
  maxDepth: number;
  /** Most comparisons in one filter. */
  maxTerms: number;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits = { maxLength: 8192, maxDepth: 32, maxTerms: 256 };

/**
 * Parses an RFC 7644 §3.4.2.2 filter with `or` binding looser than `and`, and `and` looser than
 * `not`. Accepted beyond the grammar because real clients send them: operators and keywords in
 * any case, `attr[filter].sub op value` (Entra's matching filter), and unquoted string values
 * (`userName sw O`, from Microsoft's reference tests).
 */
export function parseFilter(text: string, limits: FilterLimits = DEFAULT_FILTER_LIMITS): Filter {
  if (text.length > limits.maxLength) {
    throw invalidFilter(`The filter is longer than ${limits.maxLength} characters at character ${limits.maxLength + 1}`);
  }
  if (text.trim() === '') throw invalidFilter('The filter is empty');
  return new Parser(tokenize(text), text, limits).parse();
}

class Parser {
  private pos = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly limits: FilterLimits,
  ) {}

  parse(): Filter {
    const filter = this.orExpression(false);
    const extra = this.peek();
    if (extra) throw this.error(extra, `Unexpected ${describe(extra)}`);
    return filter;
  }

  private orExpression(inValuePath: boolean): Filter {
    let left = this.andExpression(inValuePath);
    while (this.keyword('or')) {
      this.pos++;
      left = { kind: 'or', left, right: this.andExpression(inValuePath) };
    }
    return left;
  }

  private andExpression(inValuePath: boolean): Filter {
    let left = this.unary(inValuePath);
    while (this.keyword('and')) {
      this.pos++;
      left = { kind: 'and', left, right: this.unary(inValuePath) };
    }
    return left;
  }

  private unary(inValuePath: boolean): Filter {
    const token = this.next('an attribute, "not" or "("');
    if (token.type === '(') {
      const inner = this.nested(token, () => this.orExpression(inValuePath));
      this.expect(')');
      return inner;
    }
    if (token.type === 'word' && token.value.toLowerCase() === 'not') {
      // `not (…)` is one level deep: its parenthesis counts it. A bare `not` counts itself.
      const filter = this.peek()?.type === '(' ? this.unary(inValuePath) : this.nested(token, () => this.unary(inValuePath));
      return { kind: 'not', filter };
    }
    if (token.type !== 'word') throw this.error(token, `Expected an attribute name but found ${describe(token)}`);
    const path = this.attrPath(token);
    if (this.peek()?.type === '[') {
      const open = this.peek()!;
      if (inValuePath) throw this.error(open, 'Value paths cannot be nested');
      this.pos++;
      const inner = this.nested(open, () => this.orExpression(true));
      this.expect(']');
      const after = this.peek();
      // Entra's `emails[type eq "work"].value eq "x"`: the element must match both conditions.
      if (after?.type === 'word' && after.value.startsWith('.')) {
        this.pos++;
        if (path.sub) throw this.error(after, 'A sub-attribute cannot follow a value path on a sub-attribute');
        const subPath = this.attrPath({ ...after, value: after.value.slice(1) });
        if (subPath.uri !== undefined || subPath.sub !== undefined) {
          throw this.error(after, `${JSON.stringify(after.value.slice(1))} is not a sub-attribute name`);
        }
        const condition = this.comparison({ attr: subPath.attr }, after);
        return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: condition } };
      }
      return { kind: 'valuePath', path, filter: inner };
    }
    return this.comparison(path, token);
  }

  private comparison(path: AttrPath, at: Token): Filter {
    if (++this.terms > this.limits.maxTerms) {
      throw this.error(at, `The filter has more than ${this.limits.maxTerms} comparisons`);
    }
    const opToken = this.next('an operator');
    const op = opToken.type === 'word' ? opToken.value.toLowerCase() : '';
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(op)) throw this.error(opToken, `Expected an operator but found ${describe(opToken)}`);
    return { kind: 'compare', path, op: op as CompareOp, value: this.literal() };
  }

  private literal(): Literal {
    const token = this.next('a value');
    if (token.type === 'string') return token.value;
    if (token.type !== 'word') throw this.error(token, `Expected a value but found ${describe(token)}`);
    const word = token.value;
    const lower = word.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(word)) {
      const number = Number(word);
      // 1e400 would become Infinity, which JSON (and so the printer, the store and SQL) cannot carry.
      if (!Number.isFinite(number)) throw this.error(token, `The number ${word} is out of range`);
      // -0 and 0 are one value in JSON; keep one of them so a printed filter parses back the same.
      return number === 0 ? 0 : number;
    }
    if (['and', 'or', 'not'].includes(lower)) throw this.error(token, `Expected a value but found "${word}"`);
    return word;
  }

  private attrPath(token: Extract<Token, { type: 'word' }>): AttrPath {
    try {
      return parseAttrPath(token.value, invalidFilter);
    } catch {
      throw this.error(token, `${JSON.stringify(token.value)} is not a valid attribute name`);
    }
  }

  private nested<T>(at: Token, parse: () => T): T {
    if (++this.depth > this.limits.maxDepth) {
      throw this.error(at, `The filter is nested deeper than ${this.limits.maxDepth} levels`);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.value.toLowerCase() === word;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.pos++];
    if (!token) {
      throw invalidFilter(`The filter ends where ${expected} was expected, at character ${this.text.length + 1} of ${JSON.stringify(this.text)}`);
    }
    return token;
  }

  private expect(type: ')' | ']'): void {
    const token = this.next(`"${type}"`);
    if (token.type !== type) throw this.error(token, `Expected "${type}" but found ${describe(token)}`);
  }

  private error(token: Token, message: string): Error {
    return invalidFilter(`${message} at character ${token.at + 1} of ${JSON.stringify(this.text)}`);
  }
}

function describe(token: Token): string {
  if (token.type === 'string') return `the string ${JSON.stringify(token.value)}`;
  if (token.type === 'word') return `"${token.value}"`;
  return `"${token.type}"`;
}
