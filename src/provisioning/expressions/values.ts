/**
 * What expressions compute with. As in Entra's engine everything is text: booleans are the
 * strings "True" and "False", numbers are their decimal text, a multi-valued attribute is a
 * list of strings, and an absent attribute is null.
 */
export type ExprValue = string | string[] | null;

export const TRUE = 'True';
export const FALSE = 'False';

export function fromBoolean(value: boolean): string {
  return value ? TRUE : FALSE;
}

/** A source attribute's value as the expression engine sees it. */
export function toExprValue(value: unknown): ExprValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    const items = value.map(toExprValue).flatMap((v) => (v === null ? [] : Array.isArray(v) ? v : [v]));
    return items;
  }
  if (typeof value === 'boolean') return fromBoolean(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One string from a value: the first element of a list, or null. */
export function single(value: ExprValue): string | null {
  if (Array.isArray(value)) return value.length ? value[0] : null;
  return value;
}

/** Every string a value holds. */
export function all(value: ExprValue): string[] {
  if (value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Applies a string function to a value, element by element for a list; null stays null. */
export function mapText(value: ExprValue, fn: (text: string) => string): ExprValue {
  if (value === null) return null;
  return Array.isArray(value) ? value.map(fn) : fn(value);
}

/** "True"/"False" in any case; undefined for anything else. */
export function parseBoolean(text: string | null): boolean | undefined {
  if (text === null) return undefined;
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}
