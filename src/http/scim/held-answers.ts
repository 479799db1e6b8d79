import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ScimError } from '../../scim/errors.js';
import { errorHeaders } from './errors.js';
import { SCIM_CONTENT_TYPE } from './scim-reply.js';

/** GET, HEAD and searches: SCIM requests that write nothing, so they may start before their secret is confirmed. */
export function writesNothing(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  return request.method === 'POST' && (request.routeOptions.url ?? '').endsWith('/.search');
}

/** Marks a request's answer as held until `confirm()`, called once the answer is made, settles; an error it settles to is answered instead. */
export type HoldAnswer = (request: FastifyRequest, reply: FastifyReply, confirm: () => Promise<ScimError | undefined>) => void;

/**
 * Holds the answers of requests that started on a secret the database has not confirmed yet
 * (BearerAuth.directoryFor with `ahead`): in onSend, after the route (and any error handler) made
 * its answer and before a byte of it is written. When the confirmation brings an error, the whole
 * answer (its status, its body, and every header the request's handling set after the hold) is
 * replaced by that error, so nothing read on a secret that no longer holds reaches the client.
 */
export function registerHeldAnswers(app: FastifyInstance): HoldAnswer {
  const held = new WeakMap<FastifyRequest, { confirm: () => Promise<ScimError | undefined>; headers: Set<string> }>();
  app.addHook('onSend', async (request, reply, payload) => {
    const hold = held.get(request);
    if (!hold) return payload;
    held.delete(request);
    const refusal = await hold.confirm();
    if (!refusal) return payload;
    for (const name of Object.keys(reply.getHeaders())) if (!hold.headers.has(name)) reply.removeHeader(name);
    reply.code(refusal.status).headers(errorHeaders(refusal)).type(SCIM_CONTENT_TYPE);
    return JSON.stringify(refusal.toBody());
  });
  return (request, reply, confirm) => {
    held.set(request, { confirm, headers: new Set(Object.keys(reply.getHeaders())) });
  };
}
