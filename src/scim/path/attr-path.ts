import { invalidPath } from '../errors.js';

/**
 * An attribute reference as written by clients: `[schemaUri:]attr[.subAttr]` (RFC 7644 §3.10).
 * Names keep the client's spelling; resolution against a schema is case-insensitive.
 */
export interface AttrPath {
  uri?: string;
  attr: string;
  sub?: string;
}

const NAME = /^\$?[A-Za-z][\w-]*$/;

/**
 * Parses `urn:…:User:manager.value`, `name.givenName` or `userName`. The URN ends at the last
 * colon, so version numbers such as `2.0` inside it are not taken for sub-attributes.
 */
export function parseAttrPath(text: string, error: (detail: string) => Error = invalidPath): AttrPath {
  let uri: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    uri = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const dot = rest.indexOf('.');
  const attr = dot === -1 ? rest : rest.slice(0, dot);
  const sub = dot === -1 ? undefined : rest.slice(dot + 1);
  // Stryker disable next-line ConditionalExpression: without the guard, NAME.test(undefined) tests the text "undefined", a valid name, so nothing changes.
  if (!NAME.test(attr) || (sub !== undefined && !NAME.test(sub))) {
    throw error(`${JSON.stringify(text)} is not a valid attribute path`);
  }
  return uri === undefined ? (sub === undefined ? { attr } : { attr, sub }) : sub === undefined ? { uri, attr } : { uri, attr, sub };
}

export function formatAttrPath(path: AttrPath): string {
  return `${path.uri ? `${path.uri}:` : ''}${path.attr}${path.sub ? `.${path.sub}` : ''}`;
}
