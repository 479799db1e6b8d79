import { invalidPath } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { parseFilter } from '../filter/parser.js';
import { formatAttrPath, parseAttrPath, type AttrPath } from '../path/attr-path.js';
import type { ResourceModel } from '../schema/resource-models.js';
import { extensionUri } from '../schema/extension-uri.js';

/**
 * A PATCH path (RFC 7644 §3.5.2): an attribute, optionally narrowed to the elements of a
 * multi-valued attribute that match a filter, optionally followed by a sub-attribute
 * (`emails[type eq "work"].value`). A path that is only a schema URN names a whole extension.
 */
export type PatchPath =
  | { kind: 'attribute'; path: AttrPath; filter?: Filter; text: string }
  | { kind: 'extension'; uri: string; text: string };

export function parsePatchPath(text: string, model: ResourceModel): PatchPath {
  const trimmed = text.trim();
  if (trimmed === '') throw invalidPath('The path is empty');
  const wholeExtension = extensionUri(trimmed, model);
  if (wholeExtension) return { kind: 'extension', uri: wholeExtension, text: trimmed };
  const open = trimmed.indexOf('[');
  if (open === -1) return { kind: 'attribute', path: parseAttrPath(trimmed), text: trimmed };
  const close = trimmed.lastIndexOf(']');
  if (close < open) throw invalidPath(`The path ${JSON.stringify(text)} has an unclosed "["`);
  const base = parseAttrPath(trimmed.slice(0, open));
  if (base.sub !== undefined) throw invalidPath(`A value filter must follow a multi-valued attribute, not ${formatAttrPath(base)}`);
  let filter: Filter;
  try {
    filter = parseFilter(trimmed.slice(open + 1, close));
  } catch (error) {
    throw invalidPath(`The filter in the path ${JSON.stringify(text)} is invalid: ${(error as Error).message}`);
  }
  const rest = trimmed.slice(close + 1);
  if (rest === '') return { kind: 'attribute', path: base, filter, text: trimmed };
  if (!/^\.\$?[A-Za-z][\w-]*$/.test(rest)) throw invalidPath(`Unexpected ${JSON.stringify(rest)} after the value filter in ${JSON.stringify(text)}`);
  return { kind: 'attribute', path: { ...base, sub: rest.slice(1) }, filter, text: trimmed };
}
