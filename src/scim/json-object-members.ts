/**
 * Where the members of a JSON object's text are, without parsing their values: a list page can
 * then splice a stored document into its answer instead of parsing and re-serialising it.
 * Strings are skipped with `indexOf`, so the walk touches little more than the punctuation.
 */

/** One member of an object's text: `text.slice(start, end)` is `"key":value`. */
export interface TextMember {
  key: string;
  start: number;
  valueStart: number;
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The members of the JSON object `text`, in order; undefined when `text` is not one object. */
export function objectMembers(text: string): TextMember[] | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  const members: TextMember[] = [];
  if (text.charCodeAt(i) === CLOSE_BRACE) return skipSpace(text, i + 1) === text.length ? members : undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = keyOf(text, i, keyEnd);
    if (key === undefined) return undefined;
    const colon = skipSpace(text, keyEnd);
    if (text.charCodeAt(colon) !== COLON) return undefined;
    const valueStart = skipSpace(text, colon + 1);
    const end = valueEnd(text, valueStart);
    if (end < 0) return undefined;
    members.push({ key, start: i, valueStart, end });
    const next = skipSpace(text, end);
    const c = text.charCodeAt(next);
    if (c === COMMA) {
      i = skipSpace(text, next + 1);
      continue;
    }
    if (c === CLOSE_BRACE) return skipSpace(text, next + 1) === text.length ? members : undefined;
    return undefined;
  }
}

/**
 * The JSON `text` without whitespace between tokens, as JSON.stringify writes it: PostgreSQL
 * writes a JSONB document as text with a space after every colon and comma.
 */
export function compactJsonText(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return text;
      i = end;
    } else if (isSpace(c)) {
      out += text.slice(copied, i);
      i = skipSpace(text, i);
      copied = i;
    } else i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Whether a member's value is an object with no members (`{}`). */
export function isEmptyObjectValue(text: string, member: TextMember): boolean {
  return text.charCodeAt(member.valueStart) === OPEN_BRACE && skipSpace(text, member.valueStart + 1) === member.end - 1;
}

export function isObjectValue(text: string, member: TextMember): boolean {
  return text.charCodeAt(member.valueStart) === OPEN_BRACE;
}

function keyOf(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end - 1);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return undefined;
  }
}

/** The index after the string starting at `i` (a quote), or -1. */
function stringEnd(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index after the value starting at `i`, or -1. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === QUOTE) {
        const end = stringEnd(text, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return j + 1;
    }
    return -1;
  }
  // A number, true, false or null.
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
    j++;
  }
  return j > i ? j : -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
