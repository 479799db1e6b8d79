import type { CheckHttp } from './check-http.js';
import type { Capabilities } from './capabilities.js';
import { listOf } from './capabilities.js';

export type Endpoint = 'Users' | 'Groups';

/**
 * Everything a run created, so it can all be deleted at the end, even after an interruption.
 * Only objects named with the run's prefix are ever created, and only those are deleted.
 */
export class CreatedObjects {
  private readonly objects = new Map<string, { endpoint: Endpoint; id: string }>();

  add(endpoint: Endpoint, id: string): void {
    this.objects.set(`${endpoint}/${id}`, { endpoint, id });
  }

  /** A check deleted it itself. */
  forget(endpoint: Endpoint, id: string): void {
    this.objects.delete(`${endpoint}/${id}`);
  }

  get size(): number {
    return this.objects.size;
  }

  /**
   * Deletes groups first (so no membership points at a deleted user), then users; then, when the
   * server can filter, sweeps for prefixed objects whose creation answer was lost (a race, an
   * interruption). Sends even after an interruption.
   */
  async deleteAll(http: CheckHttp, prefix: string, capabilities: Capabilities | undefined): Promise<{ deleted: number; failed: string[] }> {
    let deleted = 0;
    const failed: string[] = [];
    const remove = async (endpoint: Endpoint, id: string) => {
      try {
        const response = await http.sendAnyway('DELETE', `/${endpoint}/${encodeURIComponent(id)}`);
        if (response.status < 300) deleted++;
        else if (response.status !== 404) failed.push(`${endpoint}/${id} (HTTP ${response.status})`);
      } catch (error) {
        failed.push(`${endpoint}/${id} (${(error as Error).message})`);
      }
      this.forget(endpoint, id);
    };
    for (const endpoint of ['Groups', 'Users'] as const) {
      for (const object of [...this.objects.values()].filter((o) => o.endpoint === endpoint)) await remove(object.endpoint, object.id);
      if (!capabilities?.filter.supported) continue;
      const attribute = endpoint === 'Users' ? 'userName' : 'displayName';
      try {
        const found = await http.sendAnyway('GET', `/${endpoint}`, { query: { filter: `${attribute} sw ${JSON.stringify(prefix)}`, count: 1000, attributes: attribute } });
        for (const resource of listOf(found.body)) {
          const name = String(resource[attribute] ?? '');
          // Never trust the filter alone: only what carries the prefix is ours to delete.
          if (typeof resource.id === 'string' && name.toLowerCase().startsWith(prefix.toLowerCase())) await remove(endpoint, resource.id);
        }
      } catch {
        // The sweep is a safety net; what was registered has been handled above.
      }
    }
    return { deleted, failed };
  }
}
