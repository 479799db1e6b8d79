import { etagOf } from './representation.js';

/** A parsed `If-Match` / `If-None-Match` header: any version, or a list of entity tags. */
export type EntityTagCondition = { any: true } | { any: false; tags: string[] };

/** Parses a header like `W/"3"`, `"3", W/"4"` or `*`. Returns undefined when the header is absent. */
export function parseEntityTags(header: string | undefined): EntityTagCondition | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (text === '*') return { any: true };
  const tags = text.match(/(W\/)?"[^"]*"/g) ?? [text];
  return { any: false, tags: tags.map((t) => t.replace(/^W\//, '')) };
}

/** Weak comparison (RFC 9110 §8.8.3.2): `W/"3"` matches `"3"`. */
export function matchesVersion(condition: EntityTagCondition, version: number): boolean {
  if (condition.any) return true;
  const current = etagOf(version).replace(/^W\//, '');
  return condition.tags.includes(current);
}
