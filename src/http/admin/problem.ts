import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AdminError } from '../../admin/admin-error.js';
import { ScimError } from '../../scim/errors.js';
import { AuthError } from '../scim/errors.js';
import { bodyTooLargeDetail } from '../body-limit-detail.js';
import { validationDetail } from './schema-validation.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Problem types are URNs: stable names to branch on, with no page behind them to go stale. */
export const PROBLEM_TYPE_PREFIX = 'urn:scimd:problem:';

/** An RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

export function problemOf(status: number, detail: string, problem?: string): Problem {
  return { type: problem ? `${PROBLEM_TYPE_PREFIX}${problem}` : 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/**
 * The admin API's one place where failures become problem bodies: refused actions with their
 * problem type, authentication failures with their challenge, client mistakes Fastify caught
 * (bad JSON, input that breaks a route's schema, oversize or non-JSON bodies) as 4xx, and anything else as a logged 500 without internals.
 */
export function registerProblemErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof AdminError) return sendProblem(reply, problemOf(error.status, error.detail, error.problem));
    if (error instanceof AuthError) return sendProblem(reply, problemOf(error.status, error.detail), error.headers);
    if (error instanceof ScimError && error.status < 500) return sendProblem(reply, problemOf(error.status, error.detail, error.status === 400 ? 'invalid-input' : undefined));
    if (error instanceof ScimError && error.status === 503) return sendProblem(reply, problemOf(503, error.detail), { 'retry-after': '5' });
    const { validation, validationContext } = error as FastifyError;
    if (validation) return sendProblem(reply, problemOf(400, validationDetail(validation, validationContext), 'invalid-input'));
    const status = (error as FastifyError).statusCode;
    switch ((error as FastifyError).code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, problemOf(400, `The body is not valid JSON: ${error.message}`, 'invalid-input'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, problemOf(413, bodyTooLargeDetail(request)));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, problemOf(415, 'Send the body as application/json'));
    }
    if (error instanceof SyntaxError) return sendProblem(reply, problemOf(400, `The body is not valid JSON: ${error.message}`, 'invalid-input'));
    if (status && status >= 400 && status < 500) return sendProblem(reply, problemOf(status, error.message));
    request.log.error({ err: error }, 'admin request failed');
    return sendProblem(reply, problemOf(500, 'The server failed to process the request'));
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problemOf(404, `No endpoint ${request.method} ${request.url.split('?')[0]}`, 'not-found')));
}
