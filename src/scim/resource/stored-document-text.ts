import type { JsonObject } from '../json.js';
import type { StoredResource } from './representation.js';

interface DocumentText {
  /** The text as the database gave it. */
  raw: string;
  /** That text as JSON.stringify would write it; made on first use. */
  text?: string;
  normalise: (raw: string) => string;
}

/**
 * The JSON text a resource's document was read as, kept beside the object the store returned so
 * that an answer can splice it (representation-text.ts) instead of parsing and re-serialising it.
 * Keyed by the object itself: a copy made with a changed document (`{ ...resource, data }`) is a
 * different object and has no text, so a stale text can never be spliced.
 */
const texts = new WeakMap<StoredResource, DocumentText>();

/**
 * A stored resource whose `data` is parsed from `raw` only when something reads it: a page that
 * splices every document never parses one. `normalise` turns the database's text into
 * JSON.stringify's (PostgreSQL adds spaces).
 */
export function resourceWithDocumentText(
  fields: Omit<StoredResource, 'data'>,
  raw: string,
  normalise: (raw: string) => string,
  decode: (raw: string) => JsonObject,
): StoredResource {
  let parsed: JsonObject | undefined;
  const resource = fields as StoredResource;
  Object.defineProperty(resource, 'data', {
    enumerable: true,
    configurable: true,
    get: () => (parsed ??= decode(raw)),
    set: (value: JsonObject) => {
      // Assigning a new document leaves the text behind.
      texts.delete(resource);
      Object.defineProperty(resource, 'data', { value, enumerable: true, configurable: true, writable: true });
    },
  });
  texts.set(resource, { raw, normalise });
  return resource;
}

/** The document text of a resource read from the store, if it still describes its `data`. */
export function documentTextOf(resource: StoredResource): string | undefined {
  const entry = texts.get(resource);
  if (!entry) return undefined;
  return (entry.text ??= entry.normalise(entry.raw));
}
