import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../../scim/errors.js';
import { sendScim } from '../scim/scim-reply.js';
import type { DirectoryAdmission } from './directory-admission.js';

/**
 * Admits an authenticated SCIM request for its directory, or answers 429 with Retry-After and a
 * SCIM error body (Entra waits as long as Retry-After says). The slot is freed when the response
 * closes, finished or aborted.
 */
export function admitForDirectory(admission: DirectoryAdmission, request: FastifyRequest, reply: FastifyReply, directoryId: string): FastifyReply | undefined {
  const admitted = admission.admit(directoryId);
  if ('release' in admitted) {
    // `on`, not `once` (which wraps the listener): release is idempotent, and 'close' comes once.
    reply.raw.on('close', admitted.release);
    return undefined;
  }
  const detail =
    admitted.reason === 'concurrency'
      ? 'Too many requests for this directory are in progress; retry after the others finish'
      : 'Too many requests for this directory this minute';
  request.log.warn({ directoryId, reason: admitted.reason }, 'directory request refused');
  return sendScim(reply, 429, new ScimError(429, `${detail}; retry in ${admitted.retryAfterSeconds} seconds`).toBody(), { 'retry-after': String(admitted.retryAfterSeconds) });
}
