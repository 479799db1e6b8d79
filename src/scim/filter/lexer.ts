import { invalidFilter } from '../errors.js';
import { isStorableText } from '../storable-text.js';

export type Token =
  | { type: '(' | ')' | '[' | ']'; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'word'; value: string; at: number };

const WORD_END = /[\s()[\]"]/;

/**
 * Splits a filter into tokens. Strings are JSON strings, so escaped quotes (`\"`) and
 * unicode escapes work. Everything else up to a space, parenthesis, bracket or quote is a word;
 * the parser decides whether a word is an attribute path, an operator or a bare value.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c, at: i });
      i++;
    } else if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) throw invalidFilter(`Unterminated string starting at character ${start + 1}`);
      i++;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, i));
      } catch {
        throw invalidFilter(`Invalid escape in the string starting at character ${start + 1}`);
      }
      if (!isStorableText(value as string)) {
        throw invalidFilter(`The string starting at character ${start + 1} holds U+0000 or an unpaired surrogate, which no value can contain`);
      }
      tokens.push({ type: 'string', value: value as string, at: start });
    } else {
      const start = i;
      while (i < text.length && !WORD_END.test(text[i])) i++;
      tokens.push({ type: 'word', value: text.slice(start, i), at: start });
    }
  }
  return tokens;
}
