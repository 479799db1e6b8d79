import type { FastifyBodyParser, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { invalidSyntax, invalidValue } from '../../scim/errors.js';
import { jsonSyntaxDetail } from '../json-syntax-detail.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../scim/json-depth.js';
import { findUnstorableText, isStorableText } from '../../scim/storable-text.js';

const REFUSED = 'contains U+0000 or an unpaired surrogate, which cannot be stored';

/**
 * Wraps the JSON body parser so a body whose strings or keys hold text no backend can store
 * (see storable-text.ts), or that nests deeper than the protocol core can walk (json-depth.ts), is
 * refused with 400 invalidValue before it reaches a database.
 */
export function storableJsonParser(parse: FastifyBodyParser<string>): FastifyBodyParser<string> {
  return (request, body, done) => {
    // Some clients send a JSON content type on every request, DELETE included: an empty body is
    // no body, and the operations that need one say so with their own 400.
    if (body.trim() === '') return done(null, undefined);
    return parse(request, body, (error, value) => {
      if (error) {
        // Fastify's own text names application/json whatever was sent, and no position.
        const detail = jsonSyntaxDetail(body);
        return done(detail ? invalidSyntax(detail) : error, undefined);
      }
      const bad = findUnstorableText(value);
      if (bad !== undefined) return done(invalidValue(`The request body ${REFUSED}`), undefined);
      if (nestsDeeperThan(value)) return done(invalidValue(`The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      done(null, value);
    });
  };
}

/**
 * The same rule for path parameters (ids) and query parameters (filter, cursor, …). A callback
 * hook, run on every request: no promise, and no arrays built to walk the parameters.
 */
export function rejectUnstorableUrlText(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  done(storableParameters(request.params) && storableParameters(request.query) ? undefined : invalidValue(`The URL ${REFUSED}`));
}

function storableParameters(source: unknown): boolean {
  if (typeof source !== 'object' || source === null) return true;
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    if (!isStorableText(key)) return false;
    const value = (source as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const text of value) if (typeof text === 'string' && !isStorableText(text)) return false;
    } else if (typeof value === 'string' && !isStorableText(value)) return false;
  }
  return true;
}
