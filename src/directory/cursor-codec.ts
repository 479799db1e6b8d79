import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { expiredCursor, invalidCursor } from '../scim/errors.js';
import type { PagePosition } from '../store/store.js';

/**
 * Cursors (RFC 9865) are opaque, tamper-evident and stateless: the page position, a hash of the
 * query they belong to and the time they were issued, signed with the server's signing key (derived from the key file).
 * Any replica on the same database can continue a listing another replica started.
 */
export class CursorCodec {
  constructor(
    private readonly key: Buffer,
    private readonly timeoutSeconds: number,
  ) {}

  /**
   * `total` is the walk's totalResults as counted on its first page; later pages repeat it
   * instead of counting every match again (RFC 9865 lets a cursor page estimate the total).
   */
  encode(position: PagePosition, queryId: string, now: Date, total?: number): string {
    const fields = { k: position.key, p: position.pk, q: queryId, t: Math.floor(now.getTime() / 1000), ...(total !== undefined ? { n: total } : {}) };
    const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The page position, and the walk's total when the cursor carries one. */
  decode(cursor: string, queryId: string, now: Date): PagePosition & { total?: number } {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined) throw invalidCursor('The cursor is not one this server issued');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidCursor('The cursor is not one this server issued');
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: PagePosition['key']; p: number; q: string; t: number; n?: unknown };
    if (data.q !== queryId) throw invalidCursor('The cursor belongs to a different query; repeat the original filter and sort');
    if (now.getTime() / 1000 - data.t > this.timeoutSeconds) throw expiredCursor('The cursor has expired; start the listing again');
    return { key: data.k, pk: data.p, ...(typeof data.n === 'number' ? { total: data.n } : {}) };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 22);
  }
}

/** Identifies a query for cursor binding: the same directory, type, filter and sort. */
export function queryIdentity(parts: (string | undefined)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}
