import type { ScimSourceView } from '../../../admin/api-views.js';
import { foldCase } from '../../../scim/compare.js';
import { isJsonObject } from '../../../scim/json.js';
import { groupModel, userModel } from '../../../scim/schema/resource-models.js';
import { BearerSecret } from '../../client/credentials.js';
import { ScimClient, type ResourceEndpoint, type ScimObject } from '../../client/scim-client.js';
import { flattenScimResource } from '../scim-json.js';
import { SourceCacheSession } from '../source-cache.js';
import { decryptSourceSecret } from '../source-secret.js';
import type { Source, SourceContext, SourceSnapshot } from '../source.js';
import { scimSnapshot, type ScimSourceRecord } from './scim-snapshot.js';

/** Another SCIM server as the source: `scim+https://host/scim/v2` with a bearer secret. */
export interface ScimSourceSpec extends ScimSourceView {
  /** `v1:…`, the bearer secret encrypted like the target's credential. */
  encryptedSecret: string;
}

const PAGE_SIZE = 500;
/**
 * How far before the newest `meta.lastModified` seen a changes read starts: a write that took
 * its timestamp before another but committed after it (or a source server whose clock stepped
 * back) is still caught. Unchanged resources read again hash the same and count for nothing.
 */
export const CHANGE_OVERLAP_MS = 60_000;
/** A full read now and then catches what timestamps miss (a source that does not bump them on every change). */
const FULL_READ_EVERY_MS = 24 * 3600_000;

/** Where the last read stopped, kept in the source cache. */
interface ScimPosition {
  url: string;
  /** Whether the source answers `meta.lastModified gt "…"` correctly (probed on each full read). */
  changesFilter: boolean;
  /** The newest meta.lastModified seen, as the source wrote it; null when its resources carry none. */
  watermark: string | null;
  /** When the last full read was. */
  fullReadAt: string;
}

export interface ScimSourceOptions {
  timeoutMs?: number;
  concurrency?: number;
  /** For tests: the overlap of a changes read (default CHANGE_OVERLAP_MS). */
  overlapMs?: number;
  now?: () => Date;
}

/**
 * Reads the users and groups of another SCIM server, page by page (cursors where the server
 * offers them, index paging otherwise), through the engine's own SCIM client with its retries.
 * The first read is a full one; when the source filters on `meta.lastModified gt` (probed then),
 * later cycles read only what changed since the newest timestamp seen, and find deletions with an
 * id-only listing (`attributes=id`). Otherwise every cycle reads everything and the content
 * hashes say what changed.
 */
export class ScimSource implements Source {
  constructor(
    private readonly spec: ScimSourceSpec,
    private readonly options: ScimSourceOptions = {},
  ) {}

  describe(): string {
    return `scim+${this.spec.url}`;
  }

  async read(context?: SourceContext): Promise<SourceSnapshot> {
    const secret = decryptSourceSecret(this.spec.encryptedSecret, context, 'secret of the SCIM source');
    const { timeoutMs, concurrency } = this.options;
    const client = new ScimClient({ baseUrl: this.spec.url, credential: new BearerSecret(secret), concurrency: concurrency ?? 2, ...(timeoutMs ? { timeoutMs } : {}) });
    try {
      const cache = await SourceCacheSession.open<ScimSourceRecord>(context!);
      const position = cache.state as ScimPosition | null;
      const now = (this.options.now ?? (() => new Date()))();
      let next: ScimPosition;
      let note: string;
      const due = position && Date.parse(position.fullReadAt) + FULL_READ_EVERY_MS > now.getTime();
      if (position?.url === this.spec.url && position.changesFilter && position.watermark && due) {
        const read = await this.readChanges(client, cache, position.watermark);
        next = { ...position, watermark: read.watermark };
        note = `${read.resources} resources changed since ${position.watermark} read, ${read.removed} removed (${cache.changes} changed objects)`;
      } else {
        const read = await this.readAll(client, cache);
        const changesFilter = read.watermark !== null && (await this.filtersOnLastModified(client, read.watermark));
        next = { url: this.spec.url, changesFilter, watermark: read.watermark, fullReadAt: now.toISOString() };
        note = `full read: ${read.users} users and ${read.groups} groups${changesFilter ? '' : ' (the source does not filter on meta.lastModified: every cycle reads everything)'}`;
      }
      await cache.save(next satisfies ScimPosition);
      return { ...scimSnapshot(cache.all('User'), cache.all('Group'), new URL(this.spec.url).host), readNote: note };
    } catch (error) {
      // The client's messages name the URL, never the secret; say which side failed.
      throw new Error(`reading ${this.describe()}: ${(error as Error).message.split(secret).join('[redacted]')}`);
    } finally {
      client.close();
    }
  }

  private get pageSize(): number {
    return this.spec.pageSize ?? PAGE_SIZE;
  }

  private async readAll(client: ScimClient, cache: SourceCacheSession<ScimSourceRecord>): Promise<{ users: number; groups: number; watermark: string | null }> {
    const newest = new Newest();
    const users = await readEndpoint(client, 'Users', { pageSize: this.pageSize }, newest);
    const groups = await readEndpoint(client, 'Groups', { pageSize: this.pageSize }, newest);
    cache.replaceAll('User', users.map((u) => [u.key, u.record]));
    cache.replaceAll('Group', groups.map((g) => [g.key, g.record]));
    return { users: users.length, groups: groups.length, watermark: newest.value || null };
  }

  /** Reads what changed since the watermark (less the overlap), and drops what an id-only listing no longer shows. */
  private async readChanges(client: ScimClient, cache: SourceCacheSession<ScimSourceRecord>, watermark: string): Promise<{ resources: number; removed: number; watermark: string }> {
    const since = new Date(Date.parse(watermark) - (this.options.overlapMs ?? CHANGE_OVERLAP_MS)).toISOString();
    const newest = new Newest(watermark);
    let resources = 0;
    let removed = 0;
    for (const [endpoint, type] of [['Users', 'User'], ['Groups', 'Group']] as const) {
      const changed = await readEndpoint(client, endpoint, { pageSize: this.pageSize, filter: `meta.lastModified gt "${since}"` }, newest);
      resources += changed.length;
      for (const { key, record } of changed) cache.put(type, key, record);
      const ids = new Set<string>();
      for await (const page of client.list(endpoint, { pageSize: this.pageSize, attributes: 'id', whole: true })) {
        for (const resource of page) if (typeof resource.id === 'string') ids.add(foldCase(resource.id));
      }
      for (const { key } of cache.all(type)) {
        if (!ids.has(key)) {
          cache.remove(type, key);
          removed++;
        }
      }
    }
    // A source need not touch a group's timestamp when a member is deleted: drop such members here.
    for (const { key, record } of cache.all('Group')) {
      const members = record.members?.filter((id) => cache.get('User', foldCase(id)) !== undefined);
      if (members && members.length !== record.members!.length) cache.put('Group', key, { ...record, members });
    }
    return { resources, removed, watermark: newest.value ?? watermark };
  }

  /**
   * The probe: the source advertises filtering, and `meta.lastModified gt "<newest seen>"` answers
   * 200 with nothing newer (a server that ignored the filter would list everything).
   */
  private async filtersOnLastModified(client: ScimClient, newest: string): Promise<boolean> {
    try {
      const spc = (await client.request('GET', '/ServiceProviderConfig')).body as { filter?: { supported?: boolean } } | undefined;
      if (!spc?.filter?.supported) return false;
      const { resources } = await client.search('Users', `meta.lastModified gt "${newest}"`, { count: 10, attributes: 'id,meta' });
      return resources.every((r) => lastModifiedOf(r) !== undefined && Date.parse(lastModifiedOf(r)!) > Date.parse(newest));
    } catch {
      return false;
    }
  }
}

/** The newest meta.lastModified seen; null once a resource without one is seen (timestamps cannot be trusted then). */
class Newest {
  constructor(public value: string | null = '') {}
  see(resource: ScimObject): void {
    const stamp = lastModifiedOf(resource);
    if (stamp === undefined || Number.isNaN(Date.parse(stamp))) this.value = null;
    else if (this.value !== null && (this.value === '' || Date.parse(stamp) > Date.parse(this.value))) this.value = stamp;
  }
}

function lastModifiedOf(resource: ScimObject): string | undefined {
  const meta = resource.meta;
  return isJsonObject(meta) && typeof meta.lastModified === 'string' ? meta.lastModified : undefined;
}

async function readEndpoint(client: ScimClient, endpoint: ResourceEndpoint, query: { pageSize: number; filter?: string }, newest: Newest): Promise<{ key: string; record: ScimSourceRecord }[]> {
  const model = endpoint === 'Users' ? userModel : groupModel;
  const records: { key: string; record: ScimSourceRecord }[] = [];
  const seen = new Set<string>();
  // Whole: a listing the server cut short would make the rest look deleted.
  for await (const page of client.list(endpoint, { ...query, whole: true })) {
    for (const resource of page) {
      if (typeof resource.id !== 'string' || resource.id === '') continue;
      const key = foldCase(resource.id);
      // Index paging over a changing server may repeat a resource across pages; keep the first.
      if (seen.has(key)) continue;
      seen.add(key);
      newest.see(resource);
      records.push({ key, record: toRecord(resource, model === userModel ? 'User' : 'Group') });
    }
  }
  return records;
}

function toRecord(resource: ScimObject, type: 'User' | 'Group'): ScimSourceRecord {
  const attributes = flattenScimResource(resource, type === 'User' ? userModel : groupModel);
  if (type === 'User') return { id: resource.id!, attributes };
  const members = Array.isArray(resource.members) ? resource.members : [];
  return {
    id: resource.id!,
    attributes,
    members: members.filter((m) => isJsonObject(m) && typeof m.value === 'string' && (m.type === undefined || m.type === 'User')).map((m) => (m as { value: string }).value),
  };
}
