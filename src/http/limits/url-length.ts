import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ScimError } from '../../scim/errors.js';
import { sendScim } from '../scim/scim-reply.js';

/**
 * Refuses a request target longer than `maxLength` with 414 before anything parses its query.
 * (Longer still, past Node's 16 KiB header limit, the parser refuses it: see client-errors.ts.)
 */
export function rejectLongUrls(maxLength: number) {
  // A callback hook (no promise per request); answering without calling `done` ends the request here.
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (maxLength === 0 || request.url.length <= maxLength) return done();
    const error = new ScimError(414, `The URL is longer than ${maxLength} characters; send long filters and attribute lists with POST .search`);
    sendScim(reply, 414, error.toBody());
  };
}
