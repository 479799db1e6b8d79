import type { Socket } from 'node:net';
import { ScimError } from '../../scim/errors.js';
import { SCIM_CONTENT_TYPE } from '../scim/scim-reply.js';

type ClientError = Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number };

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: too slow (request timeout),
 * headers or URL over its 16 KiB limit, bytes that are not HTTP. This answers each with an
 * RFC 7644 error body, as every other refusal is, instead of Fastify's generic JSON.
 */
export function scimClientErrorHandler(clientError: Error, socket: Socket): void {
  // Fastify types rawPacket as JSON; Node hands over a Buffer.
  const error = clientError as ClientError;
  // A reset connection, or one closed already: nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, reason, detail } = describe(error);
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  // Once a response has begun on this socket, another status line would corrupt it.
  if (socket.writable && !response?.headersSent) {
    const body = JSON.stringify(new ScimError(status, detail).toBody());
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function describe(error: ClientError): { status: number; reason: string; detail: string } {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', detail: 'The request was not received in time; send the headers and body without pausing' };
    case 'HPE_HEADER_OVERFLOW':
      return overflowInRequestLine(error)
        ? { status: 414, reason: 'URI Too Long', detail: 'The URL is longer than this server accepts; send long filters and attribute lists with POST .search' }
        : { status: 431, reason: 'Request Header Fields Too Large', detail: 'The request headers are larger than this server accepts' };
    default:
      return { status: 400, reason: 'Bad Request', detail: 'The request is not valid HTTP' };
  }
}

/**
 * Node counts the request line and the headers against one limit; the overflow is the URL's
 * when the bytes parsed so far start with a method and hold no line break yet.
 */
function overflowInRequestLine(error: ClientError): boolean {
  if (!error.rawPacket) return false;
  const parsed = error.rawPacket.subarray(0, error.bytesParsed ?? error.rawPacket.length).toString('latin1');
  return /^[A-Z]+ /.test(parsed) && !parsed.includes('\n');
}
