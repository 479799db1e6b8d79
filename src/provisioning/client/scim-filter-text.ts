/**
 * Filter text for SCIM requests. Values are written as JSON strings, which is exactly the
 * string grammar of RFC 7644 §3.4.2.2, so quotes, backslashes and control characters in a value
 * are escaped correctly; booleans and numbers stay bare.
 */
export function eqFilter(path: string, value: string | number | boolean): string {
  if (!/^[A-Za-z0-9:._$-]+(\[[^\]]+\])?(\.[A-Za-z0-9_$-]+)?$/.test(path)) throw new Error(`${JSON.stringify(path)} is not an attribute path`);
  return `${path} eq ${JSON.stringify(value)}`;
}

export function anyOf(filters: string[]): string {
  return filters.length === 1 ? filters[0] : filters.map((f) => `(${f})`).join(' or ');
}
