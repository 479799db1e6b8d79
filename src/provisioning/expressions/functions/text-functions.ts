import { all, mapText, single, type ExprValue } from '../values.js';
import { integerArgument, type FunctionDef } from './function-def.js';
import { normalizeDiacritics } from './normalize-diacritics.js';

function textArg(value: ExprValue): string | null {
  return single(value);
}

function withCulture(culture: ExprValue, fn: string, convert: (text: string, locale?: string) => string) {
  const locale = single(culture) ?? undefined;
  if (locale !== undefined) {
    try {
      Intl.getCanonicalLocales(locale);
    } catch {
      throw new Error(`${fn}: ${JSON.stringify(locale)} is not a culture name such as en-US`);
    }
  }
  return (text: string) => convert(text, locale);
}

/** Splits on any of the delimiter characters, skipping empty words. */
function words(text: string, delimiters: string): string[] {
  if (delimiters === '') return text === '' ? [] : [text];
  const chars = new Set([...delimiters]);
  const result: string[] = [];
  let current = '';
  for (const c of text) {
    if (chars.has(c)) {
      if (current !== '') result.push(current);
      current = '';
    } else current += c;
  }
  if (current !== '') result.push(current);
  return result;
}

export const textFunctions: FunctionDef[] = [
  {
    name: 'Append',
    min: 2,
    max: 2,
    // An absent source stays absent rather than becoming the suffix alone.
    call: ([source, suffix]) => mapText(source, (text) => text + (textArg(suffix) ?? '')),
  },
  {
    name: 'Join',
    min: 2,
    max: Infinity,
    // Null and empty values are skipped, as in Entra's `Join(", ", "", [surname], [givenName])`.
    call: ([separator, ...sources]) => {
      const values = sources.flatMap(all).filter((v) => v !== '');
      return values.length ? values.join(textArg(separator) ?? '') : null;
    },
  },
  {
    name: 'Left',
    min: 2,
    max: 2,
    call: ([source, count]) => {
      const n = integerArgument(count, 'Left', 'NumChars');
      const text = textArg(source);
      if (text === null) return '';
      if (n < 0) return text;
      return [...text].slice(0, n).join('');
    },
  },
  {
    name: 'Mid',
    min: 3,
    max: 3,
    call: ([source, start, length]) => {
      const from = integerArgument(start, 'Mid', 'start');
      const n = integerArgument(length, 'Mid', 'length');
      if (from < 1) throw new Error(`Mid: start counts from 1, not ${from}`);
      const text = textArg(source);
      if (text === null) return '';
      return [...text].slice(from - 1, from - 1 + Math.max(n, 0)).join('');
    },
  },
  {
    name: 'Len',
    min: 1,
    max: 1,
    call: ([source]) => String([...(textArg(source) ?? '')].length),
  },
  {
    name: 'InStr',
    min: 2,
    max: 4,
    call: ([haystack, needle, start, compare]) => {
      const from = start === null ? 1 : integerArgument(start, 'InStr', 'start');
      const text = textArg(compare) === 'vbTextCompare';
      const a = textArg(haystack) ?? '';
      const b = textArg(needle) ?? '';
      const index = (text ? a.toLowerCase() : a).indexOf(text ? b.toLowerCase() : b, Math.max(from - 1, 0));
      return String(index + 1);
    },
  },
  {
    name: 'NormalizeDiacritics',
    min: 1,
    max: 1,
    call: ([source]) => mapText(source, normalizeDiacritics),
  },
  {
    name: 'StripSpaces',
    min: 1,
    max: 1,
    call: ([source]) => mapText(source, (text) => text.replaceAll(' ', '')),
  },
  {
    name: 'ToLower',
    min: 1,
    max: 2,
    call: ([source, culture]) => mapText(source, withCulture(culture, 'ToLower', (t, l) => (l ? t.toLocaleLowerCase(l) : t.toLowerCase()))),
  },
  {
    name: 'ToUpper',
    min: 1,
    max: 2,
    call: ([source, culture]) => mapText(source, withCulture(culture, 'ToUpper', (t, l) => (l ? t.toLocaleUpperCase(l) : t.toUpperCase()))),
  },
  {
    name: 'PCase',
    min: 1,
    max: 2,
    call: ([source, separators]) => {
      const seps = textArg(separators);
      const isSeparator = seps === null ? (c: string) => !/[\p{L}\p{N}']/u.test(c) : (c: string) => seps.includes(c);
      return mapText(source, (text) => {
        let out = '';
        let start = true;
        for (const c of text) {
          if (isSeparator(c)) {
            out += c;
            start = true;
          } else {
            out += start ? c.toUpperCase() : c.toLowerCase();
            start = false;
          }
        }
        return out;
      });
    },
  },
  {
    name: 'Word',
    min: 3,
    max: 3,
    call: ([source, number, delimiters]) => {
      const n = integerArgument(number, 'Word', 'WordNumber');
      const text = textArg(source);
      if (text === null || n < 1) return '';
      return words(text, textArg(delimiters) ?? '')[n - 1] ?? '';
    },
  },
  {
    name: 'Split',
    min: 2,
    max: 2,
    // Entra's own example trims: "One, Two" split on "," gives ["One", "Two"].
    call: ([source, delimiter]) => {
      const text = textArg(source);
      const by = textArg(delimiter);
      if (text === null) return null;
      if (!by) throw new Error('Split: the delimiter must not be empty');
      return text.split(by).map((part) => part.trim());
    },
  },
  {
    name: 'ConvertToBase64',
    min: 1,
    max: 1,
    // .NET's "Unicode" is UTF-16 little-endian.
    call: ([source]) => mapText(source, (text) => Buffer.from(text, 'utf16le').toString('base64')),
  },
  {
    name: 'ConvertToUTF8Hex',
    min: 1,
    max: 1,
    call: ([source]) => mapText(source, (text) => Buffer.from(text, 'utf8').toString('hex').toUpperCase()),
  },
];
