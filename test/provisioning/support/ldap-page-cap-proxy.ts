import { connect, createServer, type Server, type Socket } from 'node:net';

const PAGED_RESULTS_OID = Buffer.from('1.2.840.113556.1.4.319', 'ascii');
const SEARCH_RESULT_ENTRY = 0x64;
const SEARCH_RESULT_DONE = 0x65;

/**
 * A TCP proxy in front of a real slapd that makes it page the way Active Directory does with a
 * MaxPageSize of `cap`: AD answers a paged search (RFC 2696) that asks for more than MaxPageSize
 * with pages of MaxPageSize entries and a cookie, where OpenLDAP either serves the size asked or
 * refuses it (`size.pr`). The proxy lowers the size in each search's paged-results control to
 * `cap` before slapd reads it, so slapd itself serves the short pages and their cookies; every
 * answer is relayed unchanged, and the entries of each page are counted on the way.
 *
 * Only one-byte page sizes (up to 127) are lowered: the rewrite keeps every BER length as it is.
 */
export class LdapPageCapProxy {
  /** The page sizes the client asked for, one per search request. */
  readonly asked: number[] = [];
  /** Entries in each page relayed back, in order. */
  readonly pages: number[] = [];
  port = 0;
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
        for (const message of messages) upstream.write(this.lowerPageSize(message));
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
