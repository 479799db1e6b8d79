import type { StoredResource } from './representation.js';

interface DocumentText {
  /** The resource the text belongs to; a copy made by spreading carries the entry but is not its owner. */
  owner: StoredResource | undefined;
  /** The text as the database gave it. */
  raw: string;
  /** That text as JSON.stringify would write it; made on first use. */
  text?: string;
  normalise: (raw: string) => string;
}

/**
 * The JSON text a resource's document was read as, kept on the object the store returned so that
 * an answer can splice it (representation-text.ts) instead of parsing and re-serialising it. A
 * copy made with a changed document (`{ ...resource, data }`) carries the entry along but is not
 * its owner, so a stale text is never spliced. A store that keeps a text must parse `data` from
 * that same text and forget the text when `data` is assigned.
 */
const DOCUMENT_TEXT = Symbol('documentText');

type Tagged = StoredResource & { [DOCUMENT_TEXT]?: DocumentText };

/** Keeps `raw` as the text of `resource`'s document; `normalise` makes it JSON.stringify's (PostgreSQL adds spaces). */
export function rememberDocumentText(resource: StoredResource, raw: string, normalise: (raw: string) => string): void {
  (resource as Tagged)[DOCUMENT_TEXT] = { owner: resource, raw, normalise };
}

export function forgetDocumentText(resource: StoredResource): void {
  const entry = (resource as Tagged)[DOCUMENT_TEXT];
  if (entry?.owner === resource) entry.owner = undefined;
}

/** The document text of a resource read from the store, if it still describes its `data`. */
export function documentTextOf(resource: StoredResource): string | undefined {
  const entry = (resource as Tagged)[DOCUMENT_TEXT];
  if (!entry || entry.owner !== resource) return undefined;
  return (entry.text ??= entry.normalise(entry.raw));
}
