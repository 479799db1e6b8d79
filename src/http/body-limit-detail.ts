import type { FastifyRequest } from 'fastify';

/** A 413's sentence: the limit this route applies and the flag that raises it. */
export function bodyTooLargeDetail(request: FastifyRequest): string {
  const limit = request.routeOptions?.bodyLimit;
  const size = typeof limit === 'number' ? `${limit} bytes` : 'the size';
  return `The request body is larger than the ${size} this server accepts; an operator can raise the limit with scimd serve --body-limit (env SCIMD_BODY_LIMIT)`;
}
