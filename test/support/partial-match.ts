/**
 * The partial matcher behind the identity-provider fixtures (test/fixtures/README.md).
 *
 * An expected value is compared with an actual one:
 * - a string, number, boolean or null must be equal, type included (`"1"` is not `1`);
 * - an array must have the same length and match element by element;
 * - an object must have every expected key (spelled exactly) with a matching value; keys it
 *   does not mention are ignored;
 * - a marker object, whose keys all are markers, tests the value instead:
 *   `{"$absent": true}` the key is missing; `{"$type": "string"}` the JSON type ("integer" too);
 *   `{"$nonEmpty": true}` present and not "", [], {} or null; `{"$length": n}` an array of n;
 *   `{"$contains": [e, …]}` an array with, for each e, some element that matches it.
 *   Markers in one object combine: `{"$type": "array", "$length": 2, "$contains": [...]}`.
 */
export type Expected = unknown;

/** One mismatch: where (a JSON Pointer) and what. */
export interface Mismatch {
  pointer: string;
  message: string;
}

const MARKERS = new Set(['$absent', '$type', '$nonEmpty', '$length', '$contains']);

/** Every mismatch between expected and actual, or none. */
export function partialMatch(expected: Expected, actual: unknown, pointer = ''): Mismatch[] {
  if (isMarker(expected)) return matchMarker(expected, actual, pointer);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ pointer, message: `expected an array, got ${show(actual)}` }];
    if (actual.length !== expected.length) {
      return [{ pointer, message: `expected ${expected.length} element(s), got ${actual.length}: ${show(actual)}` }];
    }
    return expected.flatMap((element, i) => partialMatch(element, actual[i], `${pointer}/${i}`));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [{ pointer, message: `expected an object, got ${show(actual)}` }];
    const mismatches: Mismatch[] = [];
    for (const [key, value] of Object.entries(expected)) {
      const at = `${pointer}/${escapePointer(key)}`;
      const present = Object.prototype.hasOwnProperty.call(actual, key);
      if (isMarker(value) && value.$absent === true) {
        if (present) mismatches.push({ pointer: at, message: `expected no such key, got ${show(actual[key])}` });
        continue;
      }
      if (!present) {
        mismatches.push({ pointer: at, message: `missing; present keys: ${Object.keys(actual).join(', ') || '(none)'}` });
        continue;
      }
      mismatches.push(...partialMatch(value, actual[key], at));
    }
    return mismatches;
  }
  if (!Object.is(expected, actual)) return [{ pointer, message: `expected ${show(expected)}, got ${show(actual)}` }];
  return [];
}

/** Reads a JSON Pointer (RFC 6901) such as `/Resources/0/id`; undefined when it leads nowhere. */
export function readPointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  if (!pointer.startsWith('/')) throw new Error(`JSON Pointer ${JSON.stringify(pointer)} must start with "/"`);
  let current = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isObject(current) && Object.prototype.hasOwnProperty.call(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}

function matchMarker(marker: Record<string, unknown>, actual: unknown, pointer: string): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const fail = (message: string) => mismatches.push({ pointer, message: `${message}, got ${show(actual)}` });
  if (marker.$absent === true) {
    if (actual !== undefined) fail('expected no value');
    return mismatches;
  }
  if (actual === undefined) return [{ pointer, message: 'missing' }];
  if (marker.$type !== undefined && typeOf(actual) !== marker.$type && !(marker.$type === 'number' && typeOf(actual) === 'integer')) {
    fail(`expected a value of type ${String(marker.$type)}`);
  }
  if (marker.$nonEmpty === true && isEmpty(actual)) fail('expected a non-empty value');
  if (marker.$length !== undefined && (!Array.isArray(actual) || actual.length !== marker.$length)) {
    fail(`expected an array of ${String(marker.$length)} element(s)`);
  }
  if (marker.$contains !== undefined) {
    if (!Array.isArray(marker.$contains)) throw new Error(`$contains at ${pointer || '/'} takes an array`);
    if (!Array.isArray(actual)) fail('expected an array');
    else {
      for (const [i, wanted] of marker.$contains.entries()) {
        if (!actual.some((element) => partialMatch(wanted, element).length === 0)) {
          mismatches.push({ pointer, message: `no element matches $contains[${i}] ${show(wanted)}; elements: ${show(actual)}` });
        }
      }
    }
  }
  return mismatches;
}

function isMarker(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => MARKERS.has(key));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function show(value: unknown): string {
  if (value === undefined) return '(nothing)';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
