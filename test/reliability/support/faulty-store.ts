import type { StoredResource } from '../../../src/scim/resource/representation.js';
import type { Store } from '../../../src/store/store.js';

/**
 * Deliberately broken stores for the fault demonstrations: each suite must show that its
 * detector fires on a bug of the kind it exists to catch. These live in test/ only, so no
 * switch in the shipped code can turn them on.
 */

/** A listing that silently skips its last item once it has two or more. */
export function listSkippingOneItem(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'queryResources') {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<Store['queryResources']>) => {
        const result = await target.queryResources(...args);
        return result.resources.length >= 2 ? { ...result, resources: result.resources.slice(0, -1) } : result;
      };
    },
  });
}

/**
 * Acknowledges a user's creation before it is committed: the create answers at once (and reads of
 * it are served from memory), the real write happens `delayMs` later. A process killed in between
 * loses writes it acknowledged, which the crash-safety suite must notice.
 */
export function acknowledgingUsersBeforeCommit(store: Store, delayMs: number): Store {
  const pending = new Map<string, StoredResource>();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'createResource') {
        return async (...args: Parameters<Store['createResource']>) => {
          const [directoryId, type, resource, options] = args;
          if (type !== 'User') return target.createResource(...args);
          const stored: StoredResource = { id: resource.id, type, data: resource.data, version: 1, created: options.now, lastModified: options.now };
          pending.set(resource.id, stored);
          setTimeout(() => void target.createResource(directoryId, type, resource, options).finally(() => pending.delete(resource.id)), delayMs);
          return stored;
        };
      }
      if (property === 'getResource') {
        return async (...args: Parameters<Store['getResource']>) => {
          const held = pending.get(args[2]);
          return held ? { ...held, ...(args[3] ? { membership: [] } : {}) } : target.getResource(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
