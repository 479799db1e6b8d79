import type { FastifyReply } from 'fastify';
import { JsonText } from '../../scim/json-text.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** Sends a SCIM body with the SCIM media type, as Entra requires on every response. */
export function sendScim(reply: FastifyReply, status: number, body: object | JsonText | undefined, headers: Record<string, string> = {}): FastifyReply {
  reply.code(status).headers(headers);
  if (body === undefined) return reply.send();
  return reply.type(SCIM_CONTENT_TYPE).send(body instanceof JsonText ? body.text : JSON.stringify(body));
}
