import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, badRequest, invalidSyntax, notFound, payloadTooLarge, unsupportedMediaType } from '../../scim/errors.js';
import { bodyTooLargeDetail } from '../body-limit-detail.js';
import { sendScim } from './scim-reply.js';

/**
 * The one place where failures become RFC 7644 §3.12 error bodies. Client mistakes caught by
 * Fastify (bad JSON, oversize bodies, wrong media types) get 4xx with a SCIM body; anything
 * unexpected is logged and answered 500 without internals.
 */
export function registerScimErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ScimError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const scimError = toScimError(error, request);
    if (scimError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendScim(reply, scimError.status, scimError.toBody(), errorHeaders(scimError));
  });
  app.setNotFoundHandler((request, reply) =>
    sendScim(reply, 404, notFound(`No endpoint ${request.method} ${request.url.split('?')[0]}`).toBody()),
  );
}

/** The headers a SCIM error is answered with: an AuthError's challenge, and Retry-After on 503. */
export function errorHeaders(scimError: ScimError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (scimError instanceof AuthError) Object.assign(headers, scimError.headers);
  if (scimError.status === 503) headers['retry-after'] = '5';
  return headers;
}

/**
 * Fastify's errors raised before routing (a URL that does not decode, a path parameter longer
 * than the router allows) answered with a SCIM body instead of Fastify's own JSON.
 */
export function replyFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const detail = error.code === 'FST_ERR_BAD_URL' ? 'The URL is not validly percent-encoded' : 'The URL cannot be routed';
  sendScim(reply, status, new ScimError(status, detail).toBody());
}

/** A 401/403 that carries its WWW-Authenticate header (RFC 6750 §3). */
export class AuthError extends ScimError {
  constructor(
    status: number,
    detail: string,
    readonly headers: Record<string, string>,
  ) {
    super(status, detail);
  }
}

/** What a failure is answered with: a ScimError as it is, Fastify's client errors as 4xx, anything else a bare 500. */
export function toScimError(error: FastifyError | ScimError | Error, request: FastifyRequest): ScimError {
  if (error instanceof ScimError) return error;
  const code = (error as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidSyntax(`The body is not valid JSON: ${error.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(bodyTooLargeDetail(request));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return unsupportedMediaType('Send the body as application/scim+json or application/json');
  }
  if (error instanceof SyntaxError) return invalidSyntax(`The body is not valid JSON: ${error.message}`);
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return badRequest(error.message);
  return new ScimError(500, 'The server failed to process the request');
}
