import { foldCase } from '../../../scim/compare.js';
import { isJsonObject } from '../../../scim/json.js';
import { groupModel, userModel } from '../../../scim/schema/resource-models.js';
import { BearerSecret } from '../../client/credentials.js';
import { ScimClient, type ResourceEndpoint, type ScimObject } from '../../client/scim-client.js';
import { flattenScimResource } from '../scim-json.js';
import { decryptSourceSecret } from '../source-secret.js';
import type { Source, SourceContext, SourceSnapshot } from '../source.js';
import { scimSnapshot, type ScimSourceRecord } from './scim-snapshot.js';

/** Another SCIM server as the source: `scim+https://host/scim/v2` with a bearer secret. */
export interface ScimSourceSpec {
  kind: 'scim';
  /** The base URL with the plain scheme (`https://…`). */
  url: string;
  /** `v1:…`, the bearer secret encrypted like the target's credential. */
  encryptedSecret: string;
  /** Resources per page asked for (default 500); the server may send fewer. */
  pageSize?: number;
}

const PAGE_SIZE = 500;

/**
 * Reads every user and group of another SCIM server, page by page (cursors where the server
 * offers them, index paging otherwise), through the engine's own SCIM client with its retries.
 */
export class ScimSource implements Source {
  constructor(
    private readonly spec: ScimSourceSpec,
    private readonly clientOptions: { timeoutMs?: number; concurrency?: number } = {},
  ) {}

  describe(): string {
    return `scim+${this.spec.url}`;
  }

  async read(context?: SourceContext): Promise<SourceSnapshot> {
    const secret = decryptSourceSecret(this.spec.encryptedSecret, context, 'secret of the SCIM source');
    const client = new ScimClient({ baseUrl: this.spec.url, credential: new BearerSecret(secret), concurrency: 2, ...this.clientOptions });
    try {
      const pageSize = this.spec.pageSize ?? PAGE_SIZE;
      const users = await readEndpoint(client, 'Users', pageSize);
      const groups = await readEndpoint(client, 'Groups', pageSize);
      return { ...scimSnapshot(users, groups, new URL(this.spec.url).host), readNote: `${users.length} users and ${groups.length} groups read` };
    } catch (error) {
      // The client's messages name the URL, never the secret; say which side failed.
      throw new Error(`reading ${this.describe()}: ${(error as Error).message.split(secret).join('[redacted]')}`);
    } finally {
      client.close();
    }
  }
}

async function readEndpoint(client: ScimClient, endpoint: ResourceEndpoint, pageSize: number): Promise<{ key: string; record: ScimSourceRecord }[]> {
  const model = endpoint === 'Users' ? userModel : groupModel;
  const records: { key: string; record: ScimSourceRecord }[] = [];
  const seen = new Set<string>();
  for await (const page of client.list(endpoint, { pageSize })) {
    for (const resource of page) {
      if (typeof resource.id !== 'string' || resource.id === '') continue;
      const key = foldCase(resource.id);
      // Index paging over a changing server may repeat a resource across pages; keep the first.
      if (seen.has(key)) continue;
      seen.add(key);
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
