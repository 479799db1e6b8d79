import { createHash } from 'node:crypto';
import type { ObjectType } from '../planner/object-state.js';
import type { CachedSourceRecord, ConnectionStore } from '../store/connection-store.js';
import type { SourceContext } from './source.js';

/** The hash of a record's content: SHA-256 of its JSON with keys sorted, so key order never counts as a change. */
export function contentHash(record: unknown): string {
  return createHash('sha256').update(stableJson(record)).digest('base64url');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What an incremental source remembers between cycles, opened for one read: its position
 * (`state`) and every record it last read, with content hashes. The source applies what changed
 * (`put`, `remove`, or `replaceAll` after a full read) and `save`s the new position with only the
 * changed records, in one transaction, so the position never runs ahead of the records.
 */
export class SourceCacheSession<T> {
  private readonly records = new Map<string, CachedSourceRecord>();
  private readonly upserts = new Map<string, CachedSourceRecord>();
  private readonly deletes = new Map<string, { type: ObjectType; key: string }>();

  private constructor(
    private readonly store: ConnectionStore | undefined,
    private readonly connectionId: string,
    /** The position saved by the last read; null before the first. */
    readonly state: unknown,
    records: CachedSourceRecord[],
  ) {
    for (const record of records) this.records.set(id(record.type, record.key), record);
  }

  /** Opens the cache of the context's connection; a preview context reads it but never saves. */
  static async open<T>(context: SourceContext): Promise<SourceCacheSession<T>> {
    const cache = await context.store.loadSourceCache(context.connectionId);
    return new SourceCacheSession<T>(context.preview ? undefined : context.store, context.connectionId, cache.state, cache.records);
  }

  /** Records or replaces one record; a record whose content hash is unchanged is not written again. */
  put(type: ObjectType, key: string, record: T): void {
    const hash = contentHash(record);
    const at = id(type, key);
    this.deletes.delete(at);
    if (this.records.get(at)?.hash === hash) return;
    const cached = { type, key, hash, record };
    this.records.set(at, cached);
    this.upserts.set(at, cached);
  }

  remove(type: ObjectType, key: string): void {
    const at = id(type, key);
    if (!this.records.delete(at)) return;
    this.upserts.delete(at);
    this.deletes.set(at, { type, key });
  }

  /** After a full read of one type: the records given, and nothing else. */
  replaceAll(type: ObjectType, records: Iterable<[string, T]>): void {
    const seen = new Set<string>();
    for (const [key, record] of records) {
      seen.add(key);
      this.put(type, key, record);
    }
    for (const cached of [...this.records.values()]) if (cached.type === type && !seen.has(cached.key)) this.remove(type, cached.key);
  }

  get(type: ObjectType, key: string): T | undefined {
    return this.records.get(id(type, key))?.record as T | undefined;
  }

  /** Every record of a type, as it stands after the changes applied so far. */
  all(type: ObjectType): { key: string; record: T }[] {
    return [...this.records.values()].filter((r) => r.type === type).map((r) => ({ key: r.key, record: r.record as T }));
  }

  /** How many records this read added, changed or removed. */
  get changes(): number {
    return this.upserts.size + this.deletes.size;
  }

  async save(state: unknown): Promise<void> {
    await this.store?.saveSourceCache(this.connectionId, { state, upserts: [...this.upserts.values()], deletes: [...this.deletes.values()] });
    this.upserts.clear();
    this.deletes.clear();
  }
}

function id(type: ObjectType, key: string): string {
  return `${type}:${key}`;
}
