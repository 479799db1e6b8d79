import { connect, createServer, type Server, type Socket } from 'node:net';

const PAGED_RESULTS_OID = Buffer.from('1.2.840.113556.1.4.319', 'ascii');
const SEARCH_RESULT_ENTRY = 0x64;
const SEARCH_RESULT_DONE = 0x65;
const SEARCH_REQUEST = 0x63;

/**
 * A TCP proxy in front of a real slapd that makes it page the way Active Directory does with a
 * MaxPageSize of `cap`: AD answers a paged search (RFC 2696) that asks for more than MaxPageSize
 * with pages of MaxPageSize entries and a cookie, where OpenLDAP either serves the size asked or
 * refuses it (`size.pr`). The proxy lowers the size in each search's paged-results control to
 * `cap` before slapd reads it, so slapd itself serves the short pages and their cookies; every
 * answer is relayed unchanged, and the entries of each page are counted on the way.
 *
 * Only one-byte page sizes (up to 127) are lowered: the rewrite keeps every BER length as it is.
 *
 * With `emptyPages` set, the proxy answers that many continuation requests (those carrying a
 * cookie) itself, as Active Directory may while it scans past entries the filter rejects: no
 * entries, success, and the cookie it was sent (or, with `newCookies`, a new one each time), so
 * the client must ask again to go on.
 */
export class LdapPageCapProxy {
  /** The page sizes the client asked for, one per search request. */
  readonly asked: number[] = [];
  /** Entries in each page relayed back, in order. */
  readonly pages: number[] = [];
  port = 0;
  /** Continuation requests still to answer with an empty page and the same cookie (Infinity: all of them). */
  emptyPages = 0;
  /** Answer each empty page with a cookie never sent before instead of the one it was asked with. */
  newCookies = false;
  private madeUpCookies = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly targetPort: number,
    private readonly cap: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      let fromClient: Buffer = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        const { messages, rest } = takeMessages(Buffer.concat([fromClient, chunk]));
        fromClient = rest;
        for (const message of messages) {
          const cookie = this.emptyPages > 0 && header(message).tag === SEARCH_REQUEST ? pagedCookie(message) : undefined;
          if (cookie?.length) {
            this.emptyPages--;
            this.pages.push(0);
            client.write(emptyPage(message, this.newCookies ? this.madeUpCookie() : cookie));
          } else upstream.write(this.lowerPageSize(message));
        }
      });
      let fromServer: Buffer = Buffer.alloc(0);
      const entries = new Map<string, number>();
      upstream.on('data', (chunk: Buffer) => {
        client.write(chunk);
        const { messages, rest } = takeMessages(Buffer.concat([fromServer, chunk]));
        fromServer = rest;
        for (const message of messages) {
          const { id, tag } = header(message);
          if (tag === SEARCH_RESULT_ENTRY) entries.set(id, (entries.get(id) ?? 0) + 1);
          if (tag === SEARCH_RESULT_DONE) {
            this.pages.push(entries.get(id) ?? 0);
            entries.delete(id);
          }
        }
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A cookie unlike any before it (it never reaches slapd: the proxy answers the request that carries it). */
  private madeUpCookie(): Buffer {
    const cookie = Buffer.alloc(8);
    cookie.writeUInt32BE(++this.madeUpCookies, 4);
    return cookie;
  }

  /** The message with its paged-results size lowered to the cap; other messages unchanged. */
  private lowerPageSize(message: Buffer): Buffer {
    const oid = message.indexOf(PAGED_RESULTS_OID);
    if (oid < 0) return message;
    let at = oid + PAGED_RESULTS_OID.length;
    if (message[at] === 0x01) at += 3; // criticality BOOLEAN
    if (message[at] !== 0x04) return message; // no controlValue
    at = berLength(message, at + 1).start;
    if (message[at] !== 0x30) return message;
    at = berLength(message, at + 1).start;
    if (message[at] !== 0x02 || message[at + 1] !== 1 || message[at + 2] > 0x7f) throw new Error('LdapPageCapProxy lowers one-byte page sizes only');
    this.asked.push(message[at + 2]);
    const lowered = Buffer.from(message);
    lowered[at + 2] = Math.min(message[at + 2], this.cap);
    return lowered;
  }
}

/** The cookie of a request's paged-results control; undefined without one. */
function pagedCookie(message: Buffer): Buffer | undefined {
  const oid = message.indexOf(PAGED_RESULTS_OID);
  if (oid < 0) return undefined;
  let at = oid + PAGED_RESULTS_OID.length;
  if (message[at] === 0x01) at += 3;
  if (message[at] !== 0x04) return undefined;
  at = berLength(message, at + 1).start;
  if (message[at] !== 0x30) return undefined;
  at = berLength(message, at + 1).start;
  if (message[at] !== 0x02) return undefined;
  const size = berLength(message, at + 1);
  at = size.start + size.length;
  if (message[at] !== 0x04) return undefined;
  const cookie = berLength(message, at + 1);
  return message.subarray(cookie.start, cookie.start + cookie.length);
}

/** A SearchResultDone for the request's message id: success, no entries, and a paged-results control with `cookie`. */
function emptyPage(request: Buffer, cookie: Buffer): Buffer {
  const sequence = berLength(request, 1);
  const id = berLength(request, sequence.start + 1);
  const messageId = request.subarray(id.start, id.start + id.length);
  const done = tlv(SEARCH_RESULT_DONE, Buffer.concat([tlv(0x0a, Buffer.from([0])), tlv(0x04, Buffer.alloc(0)), tlv(0x04, Buffer.alloc(0))]));
  const value = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([0])), tlv(0x04, cookie)]));
  const control = tlv(0x30, Buffer.concat([tlv(0x04, PAGED_RESULTS_OID), tlv(0x04, value)]));
  return tlv(0x30, Buffer.concat([tlv(0x02, messageId), done, tlv(0xa0, control)]));
}

/** One BER element: tag, definite length (short or long form), contents. */
function tlv(tag: number, contents: Buffer): Buffer {
  const length = contents.length;
  const head = length < 0x80 ? Buffer.from([tag, length]) : length < 0x100 ? Buffer.from([tag, 0x81, length]) : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([head, contents]);
}

/** A BER length at `at` (short or long form): its value and where the contents start. */
function berLength(buffer: Buffer, at: number): { length: number; start: number } {
  const first = buffer[at];
  if (first < 0x80) return { length: first, start: at + 1 };
  let length = 0;
  for (let i = 1; i <= (first & 0x7f); i++) length = length * 256 + buffer[at + i];
  return { length, start: at + 1 + (first & 0x7f) };
}

/** Whole LDAP messages (each a BER SEQUENCE) off the front of a stream, and what is left. */
function takeMessages(buffer: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let at = 0;
  while (at + 2 <= buffer.length) {
    const first = buffer[at + 1];
    if (first >= 0x80 && at + 2 + (first & 0x7f) > buffer.length) break;
    const { length, start } = berLength(buffer, at + 1);
    if (start + length > buffer.length) break;
    messages.push(buffer.subarray(at, start + length));
    at = start + length;
  }
  return { messages, rest: buffer.subarray(at) };
}

/** An LDAP message's id (as hex) and its protocolOp tag, which follows the id. */
function header(message: Buffer): { id: string; tag: number } {
  const sequence = berLength(message, 1);
  const id = berLength(message, sequence.start + 1);
  return { id: message.subarray(id.start, id.start + id.length).toString('hex'), tag: message[id.start + id.length] };
}
