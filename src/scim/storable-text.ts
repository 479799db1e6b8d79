/**
 * Text that every backend can store and compare: no U+0000 (PostgreSQL text and JSONB refuse
 * it) and no unpaired UTF-16 surrogate (not Unicode, so it cannot be encoded as UTF-8). JSON
 * lets clients write both as `\u0000` and `\ud800` escapes, so they are refused at the edge,
 * on every backend alike, instead of failing inside one database.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * The first string (value or object key) in a parsed JSON value that is not storable text.
 * Walks with its own stack, so a deeply nested body cannot overflow the call stack.
 */
export function findUnstorableText(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (!isStorableText(item)) return item;
    } else if (Array.isArray(item)) {
      for (const child of item) pending.push(child);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        if (!isStorableText(key)) return key;
        pending.push(child);
      }
    }
  }
  return undefined;
}
