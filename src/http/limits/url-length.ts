import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../../scim/errors.js';
import { sendScim } from '../scim/scim-reply.js';

/**
 * Refuses a request target longer than `maxLength` with 414 before anything parses its query.
 * (Longer still, past Node's 16 KiB header limit, the parser refuses it: see client-errors.ts.)
 */
export function rejectLongUrls(maxLength: number) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (maxLength === 0 || request.url.length <= maxLength) return undefined;
    const error = new ScimError(414, `The URL is longer than ${maxLength} characters; send long filters and attribute lists with POST .search`);
    return sendScim(reply, 414, error.toBody());
  };
}
