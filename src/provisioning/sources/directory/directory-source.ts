import type { DirectorySourceView } from '../../../admin/api-views.js';
import { foldCase } from '../../../scim/compare.js';
import type { JsonObject } from '../../../scim/json.js';
import type { StoredResource } from '../../../scim/resource/representation.js';
import { groupModel, userModel, type ResourceTypeName } from '../../../scim/schema/resource-models.js';
import type { Store } from '../../../store/store.js';
import { flattenScimResource } from '../scim-json.js';
import { SourceCacheSession } from '../source-cache.js';
import type { Source, SourceContext, SourceSnapshot } from '../source.js';
import { scimSnapshot, type ScimSourceRecord } from '../scim/scim-snapshot.js';

/** A scimd directory on the same database as the engine (hub mode). */
export type DirectorySourceSpec = DirectorySourceView;

/** Where the last read stopped: the directory it read and the last event applied. */
interface DirectoryPosition {
  directoryId: string;
  sequence: number;
}

/** Rows per page of a full read, events per read of the feed. */
const PAGE = 500;
/** More new events than this and a full read (paged) is cheaper than re-reading resources one by one. */
const FULL_READ_AFTER = 20_000;

/**
 * Reads a scimd directory through the Store: the first cycle reads every user and group, later
 * cycles follow the directory's event feed from the last sequence applied and re-read only the
 * resources the events name. A cycle with no new event reads the sequence and nothing else.
 */
export class DirectorySource implements Source {
  constructor(private readonly spec: DirectorySourceSpec) {}

  describe(): string {
    return `directory:${this.spec.directory}`;
  }

  async read(context?: SourceContext): Promise<SourceSnapshot> {
    if (!context) throw new Error('A directory source reads through the connection store');
    const store = context.store.directoryStore();
    const directory = await store.findDirectory(this.spec.directory);
    if (!directory) throw new Error(`No directory ${JSON.stringify(this.spec.directory)} on this database; see "scimd directory list"`);
    const cache = await SourceCacheSession.open<ScimSourceRecord>(context);
    const position = cache.state as DirectoryPosition | null;
    const last = await store.lastSequence(directory.id);
    const same = position !== null && position.directoryId === directory.id;
    let sequence = -1;
    let note = '';
    if (same && position.sequence === last) {
      sequence = last;
      note = `no event since sequence ${last}`;
    } else if (same && position.sequence < last && last - position.sequence <= FULL_READ_AFTER) {
      sequence = await this.applyEvents(store, directory.id, position.sequence, last, cache);
      note = `${cache.changes} changed objects from events ${position.sequence + 1} to ${sequence}`;
    }
    if (sequence < 0) {
      // First read, another directory, a long way behind, or events purged before they were
      // applied: read everything. Events written during the read are applied again next time,
      // which is harmless.
      sequence = last;
      for (const type of ['User', 'Group'] as const) cache.replaceAll(type, await readAll(store, directory.id, type));
      note = `full read up to event ${last}`;
    }
    await cache.save({ directoryId: directory.id, sequence } satisfies DirectoryPosition);
    return { ...scimSnapshot(cache.all('User'), cache.all('Group'), `directory ${directory.name}`), readNote: note };
  }

  /**
   * Applies the events after `from` (at least up to `last`): each resource they name is read
   * again (or removed when it is gone). Resolves to the last sequence applied, or -1 when the
   * feed has a gap (events purged by retention), so the caller reads everything.
   */
  private async applyEvents(store: Store, directoryId: string, from: number, last: number, cache: SourceCacheSession<ScimSourceRecord>): Promise<number> {
    let after = from;
    for (;;) {
      const events = await store.readEvents(directoryId, after, PAGE);
      if (events.length === 0) return after < last ? -1 : after;
      if (events[0].sequence !== after + 1) return -1;
      const touched = new Map<string, ResourceTypeName>();
      for (const event of events) {
        if (event.subject.type === 'User' || event.subject.type === 'Group') touched.set(`${event.subject.type}:${event.subject.id}`, event.subject.type);
      }
      for (const [at, type] of touched) {
        const id = at.slice(type.length + 1);
        const resource = await store.getResource(directoryId, type, id, type === 'Group');
        if (resource) cache.put(type, foldCase(id), toRecord(resource));
        else cache.remove(type, foldCase(id));
      }
      after = events[events.length - 1].sequence;
    }
  }
}

async function readAll(store: Store, directoryId: string, type: ResourceTypeName): Promise<[string, ScimSourceRecord][]> {
  const records: [string, ScimSourceRecord][] = [];
  let after: { key: string | number | boolean | null; pk: number } | undefined;
  do {
    const page = await store.queryResources(directoryId, type, { sortOrder: 'ascending', offset: 0, count: PAGE, includeMembership: type === 'Group', withTotal: false, ...(after ? { after } : {}) });
    for (const resource of page.resources) records.push([foldCase(resource.id), toRecord(resource)]);
    after = page.next;
  } while (after);
  return records;
}

/** A stored resource as the source keeps it: flattened attributes, and a group's member ids. */
function toRecord(resource: StoredResource): ScimSourceRecord {
  const model = resource.type === 'User' ? userModel : groupModel;
  const attributes = flattenScimResource(resource.data as JsonObject, model);
  return {
    id: resource.id,
    attributes,
    ...(resource.type === 'Group' ? { members: (resource.membership ?? []).filter((m) => m.type === 'User').map((m) => m.value) } : {}),
  };
}
