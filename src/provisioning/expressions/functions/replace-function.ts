import { single, type ExprValue } from '../values.js';
import type { FunctionDef } from './function-def.js';

/** .NET writes `${name}` for a named group in a replacement; JavaScript writes `$<name>`. */
function jsReplacement(replacement: string): string {
  return replacement.replace(/\$\{(\w+)\}/g, '$$<$1>');
}

function regex(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new Error(`Replace: the regexPattern ${JSON.stringify(pattern)} is invalid: ${(error as Error).message}`);
  }
}

/** Replaces, in every match, only the text the named group matched. */
function replaceGroup(source: string, pattern: RegExp, group: string, replacement: string): string {
  let out = '';
  let last = 0;
  for (const match of source.matchAll(pattern)) {
    const span = match.indices?.groups?.[group];
    if (!span) continue;
    out += source.slice(last, span[0]) + replacement;
    last = span[1];
  }
  return out + source.slice(last);
}

/**
 * Replace(source, oldValue, regexPattern, regexGroupName, replacementValue,
 * replacementAttributeName, template), with Entra's five ways of combining the arguments.
 */
export const replaceFunction: FunctionDef = {
  name: 'Replace',
  min: 7,
  max: 7,
  call: (args: ExprValue[], _context, given) => {
    const [source, oldValue, pattern, group, replacement, replacementAttribute, template] = args.map(single);
    if (oldValue !== null && oldValue !== '' && template !== null) {
      return source === null ? null : template.split(oldValue).join(source);
    }
    if (oldValue !== null && oldValue !== '' && replacement !== null) {
      return source === null ? null : source.split(oldValue).join(replacement);
    }
    if (pattern !== null && group !== null && given[5] && !given[4]) {
      if (source !== null && source !== '') return source;
      if (replacementAttribute === null) return null;
      const match = regex(pattern, '').exec(replacementAttribute);
      return match?.groups?.[group] ?? null;
    }
    if (pattern !== null && group !== null && replacement !== null) {
      return source === null ? null : replaceGroup(source, regex(pattern, 'gd'), group, replacement);
    }
    if (pattern !== null && replacement !== null) {
      return source === null ? null : source.replace(regex(pattern, 'g'), jsReplacement(replacement));
    }
    throw new Error('Replace: give oldValue with replacementValue or template, or regexPattern with replacementValue or replacementAttributeName');
  },
};
