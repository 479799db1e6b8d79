import { ExpressionError } from './expression-error.js';

export type Token =
  | { type: '(' | ')' | ',' | 'end'; at: number }
  | { type: 'operator'; value: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: string; at: number }
  | { type: 'attribute'; value: string; at: number }
  | { type: 'word'; value: string; at: number };

/** Entra's limit on one expression. */
export const MAX_EXPRESSION_LENGTH = 10_000;

/**
 * Splits an expression into tokens. Strings use `\` to escape `"` and `\` (Entra's rule);
 * attributes are `[name]` and may contain spaces; numbers are decimals, or hexadecimal written
 * VBA's way (`&HF7`, as in Entra's BitAnd example), kept as decimal text so that large ones such
 * as AD file times (`129699324000000000`) lose no digits.
 */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH, text);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, at: i++ });
    } else if (c === '"') {
      const start = i++;
      let value = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          if (i + 1 >= text.length) break;
          i++;
        }
        value += text[i++];
      }
      if (i >= text.length) throw new ExpressionError('This string has no closing quote', start, text);
      i++;
      tokens.push({ type: 'string', value, at: start });
    } else if (c === '[') {
      const start = i;
      const close = text.indexOf(']', i);
      if (close === -1) throw new ExpressionError('This attribute name has no closing "]"', start, text);
      const name = text.slice(i + 1, close).trim();
      if (name === '') throw new ExpressionError('An attribute name is missing between "[" and "]"', start, text);
      tokens.push({ type: 'attribute', value: name, at: start });
      i = close + 1;
    } else if (c === '<' || c === '>' || c === '=') {
      const two = text.slice(i, i + 2);
      const op = two === '<>' || two === '<=' || two === '>=' ? two : c;
      tokens.push({ type: 'operator', value: op, at: i });
      i += op.length;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(i))!;
      tokens.push({ type: 'number', value: match[1] ? String(Number(match[0])) : BigInt(match[0]).toString(), at: i });
      i += match[0].length;
    } else if (c === '&' && (text[i + 1] === 'H' || text[i + 1] === 'h')) {
      const match = /^&[Hh]([0-9A-Fa-f]+)/.exec(text.slice(i));
      if (!match) throw new ExpressionError('A hexadecimal number is &H and hex digits, like &HF7', i, text);
      tokens.push({ type: 'number', value: BigInt(`0x${match[1]}`).toString(), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ type: 'word', value: match[0], at: i });
      i += match[0].length;
    } else {
      throw new ExpressionError(`Unexpected character ${JSON.stringify(c)}`, i, text);
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}
